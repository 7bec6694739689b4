// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const hardsigmoid: RefKernel<unknown> = () => {
  throw new Error('hardsigmoid: ref kernel not implemented');
};
