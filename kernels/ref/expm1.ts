// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const expm1: RefKernel<unknown> = () => {
  throw new Error('expm1: ref kernel not implemented');
};
