// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const clamp: RefKernel<unknown> = () => {
  throw new Error('clamp: ref kernel not implemented');
};
