// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const sin: RefKernel<unknown> = () => {
  throw new Error('sin: ref kernel not implemented');
};
