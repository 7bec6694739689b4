// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const reciprocal: RefKernel<unknown> = () => {
  throw new Error('reciprocal: ref kernel not implemented');
};
