import { allocArray } from '../../engine/dtype.js';
import { foldGeom, type FoldAttrs } from '../../engine/ops/nn/conv-util.js';
import { blockTaps } from './conv-util.js';
import type { RefKernel } from './types.js';

// out[n, c, tap(kk, l)] += cols[n, c·K + kk, l]; padding taps are dropped (the adjoint of unfold).
export const fold: RefKernel<FoldAttrs> = ([cols], attrs, [o]) => {
  const { N, C, wins } = foldGeom('fold', cols!, attrs);
  const taps = blockTaps(wins), HW = wins[0]!.size * wins[1]!.size;
  const acc = new Float64Array(N * C * HW);
  for (let p = 0; p < N * C; p++) {
    for (let t = 0; t < taps.length; t++) {
      const dst = taps[t]!;
      if (dst >= 0) acc[p * HW + dst]! += cols!.data[p * taps.length + t]!;
    }
  }
  const out = allocArray(o!.dtype, acc.length);
  out.set(acc);
  return [out];
};
