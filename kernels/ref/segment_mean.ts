// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const segmentMean: RefKernel<unknown> = () => {
  throw new Error('segment_mean: ref kernel not implemented');
};
