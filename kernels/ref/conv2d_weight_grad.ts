import { allocArray } from '../../engine/dtype.js';
import { weightGradGeom, type Conv2dWeightGradAttrs } from '../../engine/ops/nn/conv2d_weight_grad.js';
import { blockTaps } from './conv-util.js';
import type { RefKernel } from './types.js';

// dW[o, c, kk] = Σ_n Σ_l dOut[n, o, l] · x[n, g·C/G + c, tap(kk, l)] over the taps inside x, g = group of o.
export const conv2dWeightGrad: RefKernel<Conv2dWeightGradAttrs> = ([x, dOut], attrs, [o]) => {
  const { N, C, O, G, wins } = weightGradGeom([x!, dOut!], attrs);
  const taps = blockTaps(wins), L = wins[0]!.out * wins[1]!.out, K = taps.length / L;
  const Cg = C / G, Og = O / G, HW = wins[0]!.size * wins[1]!.size;
  const acc = new Float64Array(O * Cg * K);
  for (let n = 0; n < N; n++) {
    for (let oc = 0; oc < O; oc++) {
      const grp = Math.floor(oc / Og), dBase = (n * O + oc) * L;
      for (let c = 0; c < Cg; c++) {
        const xBase = (n * C + grp * Cg + c) * HW, wBase = (oc * Cg + c) * K;
        for (let kk = 0; kk < K; kk++) {
          let s = 0;
          for (let l = 0; l < L; l++) {
            const t = taps[kk * L + l]!;
            if (t >= 0) s += dOut!.data[dBase + l]! * x!.data[xBase + t]!;
          }
          acc[wBase + kk]! += s;
        }
      }
    }
  }
  const out = allocArray(o!.dtype, acc.length);
  out.set(acc);
  return [out];
};
