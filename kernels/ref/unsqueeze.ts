// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const unsqueeze: RefKernel<unknown> = () => {
  throw new Error('unsqueeze: ref kernel not implemented');
};
