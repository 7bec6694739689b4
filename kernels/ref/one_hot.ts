// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const oneHot: RefKernel<unknown> = () => {
  throw new Error('one_hot: ref kernel not implemented');
};
