// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const maxPool2d: RefKernel<unknown> = () => {
  throw new Error('max_pool2d: ref kernel not implemented');
};
