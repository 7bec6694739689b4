// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const dropout: RefKernel<unknown> = () => {
  throw new Error('dropout: ref kernel not implemented');
};
