// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const logsumexp: RefKernel<unknown> = () => {
  throw new Error('logsumexp: ref kernel not implemented');
};
