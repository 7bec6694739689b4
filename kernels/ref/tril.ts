import type { TrilAttrs } from '../../engine/ops/movement/tril.js';
import { maskDiagonals } from './layout-util.js';
import type { RefKernel } from './types.js';

// out[..., i, j] = x[..., i, j] where j - i <= k, else 0.
export const tril: RefKernel<TrilAttrs> = ([x], attrs, [o]) => {
  const k = attrs.k ?? 0;
  return [maskDiagonals(x!, o!, (d) => d <= k)];
};
