// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const argmin: RefKernel<unknown> = () => {
  throw new Error('argmin: ref kernel not implemented');
};
