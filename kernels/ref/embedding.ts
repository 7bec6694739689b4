// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const embedding: RefKernel<unknown> = () => {
  throw new Error('embedding: ref kernel not implemented');
};
