// Paper: Xie et al., "mHC: Manifold-Constrained Hyper-Connections", arXiv:2512.24880, Eq. 9.
// Spec: shared/specs/mhc-hc-attention.md §2.3 (numerics) and §3.2 (properties: suites/ops/sinkhorn.test.ts).
import type { TensorMeta } from '../../backend.js';
import { F } from '../../check.js';
import { zerosLike } from '../../creation.js';
import { apply1 } from '../../dispatch.js';
import { defineOp } from '../../op.js';
import type { Tensor } from '../../tensor.js';
import { requireArity } from '../infer.js';
import { requireSquare, sinkhornCases, sinkhornCost, sinkhornIters, sinkhornUnrolled, sinkhornValues, type SinkhornAttrs } from './sinkhorn-util.js';
import { sinkhornBackward } from './sinkhorn_backward.js';

export type { SinkhornAttrs } from './sinkhorn-util.js';

function sinkhornInfer(inputs: readonly TensorMeta[], attrs: SinkhornAttrs): TensorMeta[] {
  requireArity('sinkhorn', inputs, 1);
  requireSquare('sinkhorn', 'logits', inputs[0]!);
  sinkhornIters('sinkhorn', attrs);
  return [{ shape: inputs[0]!.shape, dtype: inputs[0]!.dtype }];
}

export const sinkhornOp = defineOp({
  name: 'sinkhorn',
  family: 'nn',
  doc: 'Sinkhorn-Knopp over the trailing (n, n) matrices: M⁰ = exp(L), Mᵗ = T_r(T_c(Mᵗ⁻¹)) for t_max = iters rounds (columns first, rows last: rows sum to 1 exactly)',
  infer: sinkhornInfer,
  // dL = sinkhorn_backward(L, dOut): the reverse pass over the t_max rounds, recomputing the forward.
  vjp: ({ inputs: [logits], dOut, attrs }) => [sinkhornBackward(logits!, dOut, sinkhornIters('sinkhorn', attrs))],
  decompose: ([logits], attrs) => (logits!.size === 0 ? [zerosLike(logits!)] : [sinkhornUnrolled(logits!, sinkhornIters('sinkhorn', attrs))]),
  check: { cases: sinkhornCases(1), inputs: [F], values: (c, src) => sinkhornValues(c.shapes, src), secondOrder: true },
  // Per round: a column sum and division, a row sum and division (4 per element).
  cost: sinkhornCost(4),
});

/**
 * The doubly stochastic projection of mHC's H^res: Sinkhorn-Knopp over the trailing (n, n) matrices
 * of logits, `iters` rounds of column then row normalization starting from exp(logits). Rows sum to
 * 1 exactly; columns to within the truncation error (spec §3.2). Stable for logits up to ±50 and
 * beyond (the per-column max is subtracted first, which is exactly invariant).
 */
export const sinkhorn = (logits: Tensor, iters = 20): Tensor => apply1(sinkhornOp, [logits], { iters });
