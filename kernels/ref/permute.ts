// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const permute: RefKernel<unknown> = () => {
  throw new Error('permute: ref kernel not implemented');
};
