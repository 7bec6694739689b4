// The fused reverse pass of sinkhorn: recomputes the forward iterations and walks them backwards.
// Spec: shared/specs/mhc-hc-attention.md §2.3 ("recomputes the intermediate results on-chip").
import { gradients } from '../../autograd.js';
import type { TensorMeta } from '../../backend.js';
import { F } from '../../check.js';
import { zerosLike } from '../../creation.js';
import { apply1 } from '../../dispatch.js';
import { ShapeError, fmtShape } from '../../errors.js';
import { isGradEnabled, withGradMode } from '../../gradmode.js';
import { defineOp, type AnyOp } from '../../op.js';
import { sameShape } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { requireArity, requireFloat } from '../infer.js';
import { vjpViaDecompose } from '../vjp-decompose.js';
import { requireSquare, sinkhornCases, sinkhornCost, sinkhornIters, sinkhornUnrolled, sinkhornValues, type SinkhornAttrs } from './sinkhorn-util.js';

/** Inputs logits (..., n, n) and dOut of the same shape and dtype; output dLogits. */
function sinkhornBackwardInfer(inputs: readonly TensorMeta[], attrs: SinkhornAttrs): TensorMeta[] {
  requireArity('sinkhorn_backward', inputs, 2);
  const [logits, dOut] = inputs as [TensorMeta, TensorMeta];
  requireSquare('sinkhorn_backward', 'logits', logits);
  requireFloat('sinkhorn_backward', 'dOut', dOut);
  if (!sameShape(logits.shape, dOut.shape) || logits.dtype !== dOut.dtype) {
    throw new ShapeError('sinkhorn_backward', `dOut ${fmtShape(dOut.shape)} ${dOut.dtype} must match logits ${fmtShape(logits.shape)} ${logits.dtype}`);
  }
  sinkhornIters('sinkhorn_backward', attrs);
  return [{ shape: logits.shape, dtype: logits.dtype }];
}

export const sinkhornBackwardOp = defineOp({
  name: 'sinkhorn_backward',
  family: 'nn',
  doc: 'dLogits of sinkhorn: per round, row norm R = Q/r: dQ = (G − Σ_j G⊙R)/r; column norm Q = P/c: dP = (dQ − Σ_i dQ⊙Q)/c; then dL = dM⁰ ⊙ M⁰',
  infer: sinkhornBackwardInfer,
  // Second derivatives: the reverse pass over this op's decomposition (itself the VJP of the unrolled forward).
  vjp: (ctx): (Tensor | null)[] => vjpViaDecompose(sinkhornBackwardOp as AnyOp, ctx),
  // The VJP of the unrolled decomposition, by reverse-mode autodiff over it. When recording, the
  // gradient graph is kept (createGraph), so this stays differentiable in logits and dOut.
  decompose: ([logits, dOut], attrs) => {
    if (logits!.size === 0) return [zerosLike(logits!)];
    const recording = isGradEnabled();
    const L = recording && logits!.requiresGrad ? logits! : logits!.detach().requireGrad();
    return withGradMode(true, () => {
      const h = sinkhornUnrolled(L, sinkhornIters('sinkhorn_backward', attrs));
      const [g] = gradients([h], [dOut!], [L], { createGraph: recording });
      return [g ?? zerosLike(logits!)];
    });
  },
  check: { cases: sinkhornCases(2), inputs: [F, F], values: (c, src) => sinkhornValues(c.shapes, src), secondOrder: false },
  // Forward recompute (4 per element and round) plus the reverse pass (about 8).
  cost: sinkhornCost(12),
});

/** d⟨dOut, sinkhorn(logits, iters)⟩ / d logits, fused (recomputes the forward iterations). */
export const sinkhornBackward = (logits: Tensor, dOut: Tensor, iters = 20): Tensor => apply1(sinkhornBackwardOp, [logits, dOut], { iters });
