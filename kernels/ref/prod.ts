// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const prod: RefKernel<unknown> = () => {
  throw new Error('prod: ref kernel not implemented');
};
