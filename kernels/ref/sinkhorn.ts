import { allocArray, type TypedArray } from '../../engine/dtype.js';
import { matrixPlan, sinkhornIters, type SinkhornAttrs } from '../../engine/ops/nn/sinkhorn-util.js';
import type { RefKernel } from './types.js';

/**
 * M⁰ = exp(L − colmax) of the n×n matrix at x[off..]: m (and e, when given) receive it. The column
 * max (NaN if the column has one) cancels exactly because the first round divides by column sums.
 */
export function sinkhornStart(x: TypedArray, off: number, n: number, m: Float64Array): void {
  for (let j = 0; j < n; j++) {
    let mx = -Infinity;
    for (let i = 0; i < n; i++) {
      const v = x[off + i * n + j]!;
      mx = v > mx || Number.isNaN(v) ? v : mx;
    }
    for (let i = 0; i < n; i++) m[i * n + j] = Math.exp(x[off + i * n + j]! - mx);
  }
}

/**
 * `iters` rounds on m in place: c_j = Σ_i m_ij, m_ij /= c_j; then r_i = Σ_j m_ij, m_ij /= r_i.
 * Round t's sums go to sums[2tn .. 2tn + n) (columns) and [2tn + n .. 2(t+1)n) (rows) when given.
 */
export function sinkhornRounds(m: Float64Array, n: number, iters: number, sums?: Float64Array): void {
  for (let t = 0; t < iters; t++) {
    for (let j = 0; j < n; j++) {
      let c = 0;
      for (let i = 0; i < n; i++) c += m[i * n + j]!;
      for (let i = 0; i < n; i++) m[i * n + j]! /= c;
      if (sums) sums[2 * t * n + j] = c;
    }
    for (let i = 0; i < n; i++) {
      let r = 0;
      for (let j = 0; j < n; j++) r += m[i * n + j]!;
      for (let j = 0; j < n; j++) m[i * n + j]! /= r;
      if (sums) sums[2 * t * n + n + i] = r;
    }
  }
}

// H = Mᵗᵐᵃˣ per (n, n) matrix, in float64.
export const sinkhorn: RefKernel<SinkhornAttrs> = ([x], attrs, [o]) => {
  const { count, n } = matrixPlan(x!.shape);
  const iters = sinkhornIters('sinkhorn', attrs);
  const out = allocArray(o!.dtype, x!.data.length);
  const m = new Float64Array(n * n);
  for (let b = 0; b < count; b++) {
    sinkhornStart(x!.data, b * n * n, n, m);
    sinkhornRounds(m, n, iters);
    out.set(m, b * n * n);
  }
  return [out];
};
