// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const groupNorm: RefKernel<unknown> = () => {
  throw new Error('group_norm: ref kernel not implemented');
};
