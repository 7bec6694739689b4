// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const stack: RefKernel<unknown> = () => {
  throw new Error('stack: ref kernel not implemented');
};
