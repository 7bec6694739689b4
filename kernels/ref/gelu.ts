// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const gelu: RefKernel<unknown> = () => {
  throw new Error('gelu: ref kernel not implemented');
};
