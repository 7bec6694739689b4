// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const transpose: RefKernel<unknown> = () => {
  throw new Error('transpose: ref kernel not implemented');
};
