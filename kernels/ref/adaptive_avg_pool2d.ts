// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const adaptiveAvgPool2d: RefKernel<unknown> = () => {
  throw new Error('adaptive_avg_pool2d: ref kernel not implemented');
};
