// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const convTranspose2d: RefKernel<unknown> = () => {
  throw new Error('conv_transpose2d: ref kernel not implemented');
};
