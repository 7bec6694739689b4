// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const layerNorm: RefKernel<unknown> = () => {
  throw new Error('layer_norm: ref kernel not implemented');
};
