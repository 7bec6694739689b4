// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const softsign: RefKernel<unknown> = () => {
  throw new Error('softsign: ref kernel not implemented');
};
