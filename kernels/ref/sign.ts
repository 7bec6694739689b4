// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const sign: RefKernel<unknown> = () => {
  throw new Error('sign: ref kernel not implemented');
};
