// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const batchNorm: RefKernel<unknown> = () => {
  throw new Error('batch_norm: ref kernel not implemented');
};
