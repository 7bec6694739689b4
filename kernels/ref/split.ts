// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const split: RefKernel<unknown> = () => {
  throw new Error('split: ref kernel not implemented');
};
