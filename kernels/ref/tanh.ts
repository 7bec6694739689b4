// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const tanh: RefKernel<unknown> = () => {
  throw new Error('tanh: ref kernel not implemented');
};
