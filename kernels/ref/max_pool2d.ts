import { allocArray } from '../../engine/dtype.js';
import { poolGeom, type MaxPool2dAttrs } from '../../engine/ops/nn/conv-util.js';
import { blockTaps } from './conv-util.js';
import type { RefKernel } from './types.js';

// Per window: the max over the in-range taps in window order (row, then column); a later value
// replaces the max when it is larger or NaN (torch's CPU rule). The index starts at the first
// in-range tap, so a window of -inf values points there.
export const maxPool2d: RefKernel<MaxPool2dAttrs> = ([x], attrs, [o, oi]) => {
  const { N, C, wins } = poolGeom('max_pool2d', x!, attrs);
  const wh = wins[0]!, ww = wins[1]!;
  const taps = blockTaps(wins), L = wh.out * ww.out, K = taps.length / L, HW = wh.size * ww.size;
  const vals = allocArray(o!.dtype, N * C * L), idx = allocArray(oi!.dtype, N * C * L);
  // Fallback index of a window that reads only padding: the in-range pixel nearest its start.
  const clampAt = (l: number) => {
    const r = Math.floor(l / ww.out), q = l % ww.out;
    const clamp = (v: number, n: number) => Math.min(Math.max(v, 0), n - 1);
    return clamp(r * wh.s - wh.lo, wh.size) * ww.size + clamp(q * ww.s - ww.lo, ww.size);
  };
  for (let p = 0; p < N * C; p++) {
    for (let l = 0; l < L; l++) {
      let best = -Infinity, arg = -1;
      for (let kk = 0; kk < K; kk++) {
        const t = taps[kk * L + l]!;
        if (t < 0) continue;
        if (arg < 0) arg = t;
        const v = x!.data[p * HW + t]!;
        if (v > best || Number.isNaN(v)) {
          best = v;
          arg = t;
        }
      }
      vals[p * L + l] = best;
      idx[p * L + l] = arg < 0 ? clampAt(l) : arg;
    }
  }
  return [vals, idx];
};
