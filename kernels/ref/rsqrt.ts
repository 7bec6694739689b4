// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const rsqrt: RefKernel<unknown> = () => {
  throw new Error('rsqrt: ref kernel not implemented');
};
