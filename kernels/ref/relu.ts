// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const relu: RefKernel<unknown> = () => {
  throw new Error('relu: ref kernel not implemented');
};
