// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const scaledDotProductAttention: RefKernel<unknown> = () => {
  throw new Error('scaled_dot_product_attention: ref kernel not implemented');
};
