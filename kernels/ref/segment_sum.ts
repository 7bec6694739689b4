// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const segmentSum: RefKernel<unknown> = () => {
  throw new Error('segment_sum: ref kernel not implemented');
};
