// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const log: RefKernel<unknown> = () => {
  throw new Error('log: ref kernel not implemented');
};
