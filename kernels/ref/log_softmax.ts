// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const logSoftmax: RefKernel<unknown> = () => {
  throw new Error('log_softmax: ref kernel not implemented');
};
