// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const segmentMax: RefKernel<unknown> = () => {
  throw new Error('segment_max: ref kernel not implemented');
};
