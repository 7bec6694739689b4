// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const max: RefKernel<unknown> = () => {
  throw new Error('max: ref kernel not implemented');
};
