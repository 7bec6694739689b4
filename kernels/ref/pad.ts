// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const pad: RefKernel<unknown> = () => {
  throw new Error('pad: ref kernel not implemented');
};
