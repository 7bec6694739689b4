// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const rmsNorm: RefKernel<unknown> = () => {
  throw new Error('rms_norm: ref kernel not implemented');
};
