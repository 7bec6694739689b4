// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const fold: RefKernel<unknown> = () => {
  throw new Error('fold: ref kernel not implemented');
};
