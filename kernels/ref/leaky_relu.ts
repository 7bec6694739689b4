// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const leakyRelu: RefKernel<unknown> = () => {
  throw new Error('leaky_relu: ref kernel not implemented');
};
