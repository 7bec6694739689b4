// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const minimum: RefKernel<unknown> = () => {
  throw new Error('minimum: ref kernel not implemented');
};
