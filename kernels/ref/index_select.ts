// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const indexSelect: RefKernel<unknown> = () => {
  throw new Error('index_select: ref kernel not implemented');
};
