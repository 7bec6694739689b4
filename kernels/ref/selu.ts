// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const selu: RefKernel<unknown> = () => {
  throw new Error('selu: ref kernel not implemented');
};
