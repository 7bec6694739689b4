// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const argmax: RefKernel<unknown> = () => {
  throw new Error('argmax: ref kernel not implemented');
};
