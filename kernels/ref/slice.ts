// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const slice: RefKernel<unknown> = () => {
  throw new Error('slice: ref kernel not implemented');
};
