// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const conv1d: RefKernel<unknown> = () => {
  throw new Error('conv1d: ref kernel not implemented');
};
