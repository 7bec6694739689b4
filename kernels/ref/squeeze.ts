// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const squeeze: RefKernel<unknown> = () => {
  throw new Error('squeeze: ref kernel not implemented');
};
