// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const unfold: RefKernel<unknown> = () => {
  throw new Error('unfold: ref kernel not implemented');
};
