import { poolGeom, type MaxPool2dAttrs } from '../../engine/ops/nn/conv-util.js';
import { blockTaps } from '../ref/conv-util.js';
import { addon } from './addon.js';
import type { NativeKernel } from './types.js';
import { alloc } from './util.js';

// Window max over the in-range taps (NaN wins) and its input index, as kernels/ref/max_pool2d.ts.
export const maxPool2d: NativeKernel<MaxPool2dAttrs> = ([x], attrs, [o, oi]) => {
  const vals = alloc(o!) as Float32Array, idx = alloc(oi!) as Int32Array;
  const { N, C, wins } = poolGeom('max_pool2d', x!, attrs);
  const wh = wins[0]!, ww = wins[1]!;
  const L = wh.out * ww.out;
  // Index of a window that reads only padding: the in-range pixel nearest its start.
  const clamp = (v: number, n: number) => Math.min(Math.max(v, 0), n - 1);
  const fallback = Int32Array.from({ length: L }, (_, l) => clamp(Math.floor(l / ww.out) * wh.s - wh.lo, wh.size) * ww.size + clamp((l % ww.out) * ww.s - ww.lo, ww.size));
  addon().tapsMax(x!.data as Float32Array, vals, idx, N * C, wh.size * ww.size, blockTaps(wins), fallback);
  return [vals, idx];
};
