// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const conv2d: RefKernel<unknown> = () => {
  throw new Error('conv2d: ref kernel not implemented');
};
