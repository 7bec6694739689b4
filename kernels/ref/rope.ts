// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const rope: RefKernel<unknown> = () => {
  throw new Error('rope: ref kernel not implemented');
};
