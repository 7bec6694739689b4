// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const sigmoid: RefKernel<unknown> = () => {
  throw new Error('sigmoid: ref kernel not implemented');
};
