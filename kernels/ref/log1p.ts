// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const log1p: RefKernel<unknown> = () => {
  throw new Error('log1p: ref kernel not implemented');
};
