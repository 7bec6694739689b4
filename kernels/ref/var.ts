// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const variance: RefKernel<unknown> = () => {
  throw new Error('var: ref kernel not implemented');
};
