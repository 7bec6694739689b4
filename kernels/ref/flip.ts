// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const flip: RefKernel<unknown> = () => {
  throw new Error('flip: ref kernel not implemented');
};
