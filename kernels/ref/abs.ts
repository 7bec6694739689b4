// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const abs: RefKernel<unknown> = () => {
  throw new Error('abs: ref kernel not implemented');
};
