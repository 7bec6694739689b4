// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const upsample: RefKernel<unknown> = () => {
  throw new Error('upsample: ref kernel not implemented');
};
