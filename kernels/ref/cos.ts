// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const cos: RefKernel<unknown> = () => {
  throw new Error('cos: ref kernel not implemented');
};
