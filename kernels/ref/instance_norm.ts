// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const instanceNorm: RefKernel<unknown> = () => {
  throw new Error('instance_norm: ref kernel not implemented');
};
