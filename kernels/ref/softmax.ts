// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const softmax: RefKernel<unknown> = () => {
  throw new Error('softmax: ref kernel not implemented');
};
