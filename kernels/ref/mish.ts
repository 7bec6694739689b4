// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const mish: RefKernel<unknown> = () => {
  throw new Error('mish: ref kernel not implemented');
};
