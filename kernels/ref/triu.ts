// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const triu: RefKernel<unknown> = () => {
  throw new Error('triu: ref kernel not implemented');
};
