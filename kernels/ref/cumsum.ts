// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const cumsum: RefKernel<unknown> = () => {
  throw new Error('cumsum: ref kernel not implemented');
};
