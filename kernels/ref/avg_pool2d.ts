import { allocArray } from '../../engine/dtype.js';
import { avgPoolDivisors, avgPoolGeom, type AvgPool2dAttrs } from '../../engine/ops/nn/conv-util.js';
import { blockTaps } from './conv-util.js';
import type { RefKernel } from './types.js';

// y[p, l] = Σ_kk x[p, tap(kk, l)] / divisor[l] (padding reads 0); 0 where the window has no input.
export const avgPool2d: RefKernel<AvgPool2dAttrs> = ([x], attrs, [o]) => {
  const { N, C, wins } = avgPoolGeom('avg_pool2d', x!, attrs);
  const taps = blockTaps(wins), div = avgPoolDivisors(wins, attrs);
  const L = div.length, K = taps.length / L, HW = wins[0]!.size * wins[1]!.size;
  const out = allocArray(o!.dtype, N * C * L);
  for (let p = 0; p < N * C; p++) {
    for (let l = 0; l < L; l++) {
      let acc = 0;
      for (let kk = 0; kk < K; kk++) {
        const t = taps[kk * L + l]!;
        if (t >= 0) acc += x!.data[p * HW + t]!;
      }
      out[p * L + l] = div[l] === 0 ? 0 : acc / div[l]!;
    }
  }
  return [out];
};
