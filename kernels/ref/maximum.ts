// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const maximum: RefKernel<unknown> = () => {
  throw new Error('maximum: ref kernel not implemented');
};
