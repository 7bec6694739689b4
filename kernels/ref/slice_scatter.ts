// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const sliceScatter: RefKernel<unknown> = () => {
  throw new Error('slice_scatter: ref kernel not implemented');
};
