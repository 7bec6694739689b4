// rms_norm's fused backward: (x, dOut, weight?) -> (dX, dWeight?). Kernels recompute rstd per row;
// the decomposition (the VJP written with ops, norm-grad.ts) is the oracle and carries the second
// derivatives.
import fc from 'fast-check';
import { arbShape } from '../../arb.js';
import type { TensorMeta } from '../../backend.js';
import { F, NONZERO, fIn, type CheckCase } from '../../check.js';
import { apply } from '../../dispatch.js';
import { defineOp } from '../../op.js';
import { sizeOf } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { add } from '../binary/add.js';
import { mul } from '../binary/mul.js';
import { unbroadcast } from '../grad-util.js';
import { requireFloat } from '../infer.js';
import { rsqrt } from '../unary/rsqrt.js';
import { square } from '../unary/square.js';
import { vjpViaDecompose } from '../vjp-decompose.js';
import { normBackwardCost, requireGradLike } from './layer_norm_backward.js';
import { normVjp } from './norm-grad.js';
import { arbParamCount, finfoEps, requireArityIn, requireParams, requireTrailing, resolveEps, rmsEps, trailingPlan } from './norm-util.js';
import type { RmsNormAttrs } from './rms_norm.js';

/** What rms_norm checks of x, its weight and attrs; shared with rms_norm_backward (`op` names the caller). */
export function checkRmsNorm(op: string, x: TensorMeta, params: readonly TensorMeta[], attrs: RmsNormAttrs): void {
  requireFloat(op, 'x', x);
  requireTrailing(op, x, attrs.normalizedShape);
  resolveEps(op, attrs.eps, finfoEps(x.dtype));
  requireParams(op, [x, ...params], 1, ['weight'], attrs.normalizedShape);
}

/** Inputs: x, dOut (x's shape), then optionally weight. Outputs: dX, then dWeight when weight is given. */
function rmsNormBackwardInfer(inputs: readonly TensorMeta[], attrs: RmsNormAttrs): TensorMeta[] {
  requireArityIn('rms_norm_backward', inputs, 2, 3);
  const [x, dOut, ...params] = inputs as [TensorMeta, TensorMeta, ...TensorMeta[]];
  checkRmsNorm('rms_norm_backward', x, params, attrs);
  requireGradLike('rms_norm_backward', x, dOut);
  return [{ shape: x.shape, dtype: x.dtype }, ...params.map((p) => ({ shape: p.shape, dtype: p.dtype }))];
}

/** Cases of rms_norm: x of rank 0-4 (zero-size dims too), 0 to rank trailing dims normalized, with or without weight. */
export const rmsNormCases: fc.Arbitrary<CheckCase<RmsNormAttrs>> = arbShape({ maxDim: 4, zero: true }).chain((s) =>
  fc.record({ k: fc.integer({ min: 0, max: s.length }), params: arbParamCount(1), eps: fc.constantFrom(undefined, 1e-6, 0.1) }).map(({ k, params, eps }) => {
    const normalizedShape = s.slice(s.length - k);
    return { shapes: [s, ...Array.from({ length: params }, () => normalizedShape)], attrs: { normalizedShape, eps } as RmsNormAttrs };
  }),
);

/**
 * The VJP written with ops. One-element rows (normalizedShape of size 1) get their exact form:
 * there dX = rstd·(g - xhat·g·xhat) = rstd·g·(1 - xhat²) cancels to nothing even in float64, and
 * 1 - xhat² = eps·rstd², so dX = g·eps·rstd³ (dWeight = sum(dOut·xhat) as always).
 */
function rmsNormVjp(x: Tensor, dOut: Tensor, w: Tensor | undefined, attrs: RmsNormAttrs): Tensor[] {
  const eps = rmsEps(attrs.eps, x.dtype);
  if (sizeOf(attrs.normalizedShape) !== 1) return normVjp(x, { weight: w }, dOut, trailingPlan(x.shape, attrs.normalizedShape), eps, true) as Tensor[];
  const rstd = rsqrt(add(square(x), eps));
  const dX = mul(mul(w ? mul(dOut, w) : dOut, eps), mul(mul(rstd, rstd), rstd));
  return w ? [dX, unbroadcast(mul(dOut, mul(x, rstd)), w.shape)] : [dX];
}

/** rms_norm's cases with dOut (x's shape) after x. */
const cases = rmsNormCases.map((c) => ({ shapes: [c.shapes[0]!, c.shapes[0]!, ...c.shapes.slice(1)], attrs: c.attrs }));

export const rmsNormBackwardOp = defineOp({
  name: 'rms_norm_backward',
  family: 'nn',
  doc: "rms_norm's VJP fused: dX = rstd * (g - xhat * mean(g * xhat)), g = dOut * weight, xhat = x * rstd; dWeight = sum(dOut * xhat) over the leading dims",
  infer: rmsNormBackwardInfer,
  // Second derivatives: the reverse pass over the decomposition below.
  vjp: (ctx): (Tensor | null)[] => vjpViaDecompose(rmsNormBackwardOp, ctx),
  decompose: ([x, dOut, w], attrs) => rmsNormVjp(x!, dOut!, w, attrs),
  // NOTE: x is kept away from 0 as for rms_norm (mean(x^2) must not be dwarfed by the tiny default eps).
  check: { cases, inputs: [fIn(NONZERO), F, F], secondOrder: true },
  cost: normBackwardCost,
});

/** [dX, dWeight?] of rms_norm at x for the upstream gradient dOut. */
export function rmsNormBackward(x: Tensor, dOut: Tensor, weight: Tensor | undefined, attrs: RmsNormAttrs): Tensor[] {
  return apply(rmsNormBackwardOp, weight ? [x, dOut, weight] : [x, dOut], attrs);
}
