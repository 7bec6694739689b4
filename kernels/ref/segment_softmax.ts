// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const segmentSoftmax: RefKernel<unknown> = () => {
  throw new Error('segment_softmax: ref kernel not implemented');
};
