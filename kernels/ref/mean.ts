// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const mean: RefKernel<unknown> = () => {
  throw new Error('mean: ref kernel not implemented');
};
