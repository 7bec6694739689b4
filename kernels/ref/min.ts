// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const min: RefKernel<unknown> = () => {
  throw new Error('min: ref kernel not implemented');
};
