// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const elu: RefKernel<unknown> = () => {
  throw new Error('elu: ref kernel not implemented');
};
