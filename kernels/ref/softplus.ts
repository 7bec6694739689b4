// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const softplus: RefKernel<unknown> = () => {
  throw new Error('softplus: ref kernel not implemented');
};
