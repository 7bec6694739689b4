// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const avgPool2d: RefKernel<unknown> = () => {
  throw new Error('avg_pool2d: ref kernel not implemented');
};
