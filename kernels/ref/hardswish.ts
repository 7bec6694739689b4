// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const hardswish: RefKernel<unknown> = () => {
  throw new Error('hardswish: ref kernel not implemented');
};
