// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const celu: RefKernel<unknown> = () => {
  throw new Error('celu: ref kernel not implemented');
};
