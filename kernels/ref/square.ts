// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const square: RefKernel<unknown> = () => {
  throw new Error('square: ref kernel not implemented');
};
