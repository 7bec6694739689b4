// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const gather: RefKernel<unknown> = () => {
  throw new Error('gather: ref kernel not implemented');
};
