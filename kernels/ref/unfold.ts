import { allocArray } from '../../engine/dtype.js';
import { unfoldGeom, type UnfoldAttrs } from '../../engine/ops/nn/conv-util.js';
import { blockTaps } from './conv-util.js';
import type { RefKernel } from './types.js';

// out[n, c·K + kk, l] = x[n, c, tap(kk, l)] (0 where the window reads padding), K = kh·kw.
export const unfold: RefKernel<UnfoldAttrs> = ([x], attrs, [o]) => {
  const { N, C, wins } = unfoldGeom('unfold', x!, attrs);
  const taps = blockTaps(wins), HW = wins[0]!.size * wins[1]!.size;
  const out = allocArray(o!.dtype, N * C * taps.length);
  for (let p = 0; p < N * C; p++) {
    for (let t = 0; t < taps.length; t++) {
      const src = taps[t]!;
      out[p * taps.length + t] = src < 0 ? 0 : x!.data[p * HW + src]!;
    }
  }
  return [out];
};
