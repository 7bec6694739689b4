// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const hardtanh: RefKernel<unknown> = () => {
  throw new Error('hardtanh: ref kernel not implemented');
};
