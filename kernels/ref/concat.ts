// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const concat: RefKernel<unknown> = () => {
  throw new Error('concat: ref kernel not implemented');
};
