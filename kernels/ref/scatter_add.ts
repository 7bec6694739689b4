// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const scatterAdd: RefKernel<unknown> = () => {
  throw new Error('scatter_add: ref kernel not implemented');
};
