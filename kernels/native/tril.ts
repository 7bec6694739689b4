import type { TrilAttrs } from '../../engine/ops/movement/tril.js';
import { addon } from './addon.js';
import type { NativeKernel } from './types.js';
import { alloc } from './util.js';

// Keep x[..., i, j] where j - i <= k, else 0 (native/src/movement.cc triangle).
export const tril: NativeKernel<TrilAttrs> = ([x], attrs, [o]) => {
  const out = alloc(o!);
  const r = x!.shape.length;
  addon().triangle(x!.data, out, x!.shape[r - 2]!, x!.shape[r - 1]!, attrs.k ?? 0, 0);
  return [out];
};
