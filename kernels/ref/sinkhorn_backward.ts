import { allocArray } from '../../engine/dtype.js';
import { matrixPlan, sinkhornIters, type SinkhornAttrs } from '../../engine/ops/nn/sinkhorn-util.js';
import { sinkhornRounds, sinkhornStart } from './sinkhorn.js';
import type { RefKernel } from './types.js';

// Per matrix: recompute the rounds keeping their sums (2·t_max·n), then walk them backwards from
// M = Mᵗᵐᵃˣ with G = dOut. Round t was Q = P / c (columns), R = Q / r (rows):
//   s_i = Σ_j G_ij R_ij,   dQ_ij = (G_ij − s_i) / r_i,   Q_ij = R_ij · r_i
//   u_j = Σ_i dQ_ij Q_ij,  dP_ij = (dQ_ij − u_j) / c_j,  P_ij = Q_ij · c_j
// and finally dL = dM⁰ ⊙ M⁰ (M⁰ = exp(L − colmax) recomputed; the shift has no gradient).
export const sinkhornBackward: RefKernel<SinkhornAttrs> = ([x, dOut], attrs, [o]) => {
  const { count, n } = matrixPlan(x!.shape);
  const iters = sinkhornIters('sinkhorn_backward', attrs);
  const out = allocArray(o!.dtype, x!.data.length);
  const e = new Float64Array(n * n), m = new Float64Array(n * n), g = new Float64Array(n * n);
  const sums = new Float64Array(2 * iters * n);
  for (let b = 0; b < count; b++) {
    const off = b * n * n;
    sinkhornStart(x!.data, off, n, e);
    m.set(e);
    sinkhornRounds(m, n, iters, sums);
    for (let k = 0; k < n * n; k++) g[k] = dOut!.data[off + k]!;
    for (let t = iters - 1; t >= 0; t--) {
      const c = 2 * t * n, r = c + n;
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += g[i * n + j]! * m[i * n + j]!;
        for (let j = 0; j < n; j++) {
          g[i * n + j] = (g[i * n + j]! - s) / sums[r + i]!;
          m[i * n + j]! *= sums[r + i]!;
        }
      }
      for (let j = 0; j < n; j++) {
        let u = 0;
        for (let i = 0; i < n; i++) u += g[i * n + j]! * m[i * n + j]!;
        for (let i = 0; i < n; i++) {
          g[i * n + j] = (g[i * n + j]! - u) / sums[c + j]!;
          m[i * n + j]! *= sums[c + j]!;
        }
      }
    }
    for (let k = 0; k < n * n; k++) out[off + k] = g[k]! * e[k]!;
  }
  return [out];
};
