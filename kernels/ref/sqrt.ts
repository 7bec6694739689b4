// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const sqrt: RefKernel<unknown> = () => {
  throw new Error('sqrt: ref kernel not implemented');
};
