// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const silu: RefKernel<unknown> = () => {
  throw new Error('silu: ref kernel not implemented');
};
