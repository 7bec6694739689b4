// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const std: RefKernel<unknown> = () => {
  throw new Error('std: ref kernel not implemented');
};
