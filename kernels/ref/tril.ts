// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const tril: RefKernel<unknown> = () => {
  throw new Error('tril: ref kernel not implemented');
};
