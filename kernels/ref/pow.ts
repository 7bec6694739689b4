// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const pow: RefKernel<unknown> = () => {
  throw new Error('pow: ref kernel not implemented');
};
