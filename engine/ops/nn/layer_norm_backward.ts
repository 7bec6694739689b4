// layer_norm's fused backward: (x, dOut, weight?, bias?) -> (dX, dWeight?, dBias?). Native and
// WGSL kernels recompute mean and rstd per row instead of saving them; the decomposition (the
// VJP written with ops, norm-grad.ts) is the oracle and carries the second derivatives.
import fc from 'fast-check';
import { arbShape } from '../../arb.js';
import type { TensorMeta } from '../../backend.js';
import { DISTINCT, F, fIn, type CheckCase } from '../../check.js';
import { apply } from '../../dispatch.js';
import { DTypeError, ShapeError, fmtShape } from '../../errors.js';
import { defineOp } from '../../op.js';
import { sameShape, sizeOf } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { requireFloat } from '../infer.js';
import { vjpViaDecompose } from '../vjp-decompose.js';
import type { LayerNormAttrs } from './layer_norm.js';
import { normVjp } from './norm-grad.js';
import { affineInputs, affineNames, arbAffine, arbEps, requireArityIn, requireParams, requireTrailing, resolveEps, trailingPlan } from './norm-util.js';

/** What layer_norm checks of x, its parameters and attrs; shared with layer_norm_backward (`op` names the caller). */
export function checkLayerNorm(op: string, x: TensorMeta, params: readonly TensorMeta[], attrs: LayerNormAttrs): void {
  requireFloat(op, 'x', x);
  requireTrailing(op, x, attrs.normalizedShape);
  resolveEps(op, attrs.eps, 1e-5);
  requireParams(op, [x, ...params], 1, affineNames(params.length, attrs), attrs.normalizedShape);
}

/** The upstream gradient of a norm's backward op: float, x's shape and dtype. Shared with rms_norm_backward. */
export function requireGradLike(op: string, x: TensorMeta, dOut: TensorMeta): void {
  requireFloat(op, 'dOut', dOut);
  if (!sameShape(dOut.shape, x.shape)) throw new ShapeError(op, `dOut ${fmtShape(dOut.shape)} must have the shape of x ${fmtShape(x.shape)}`);
  if (dOut.dtype !== x.dtype) throw new DTypeError(op, `dOut ${fmtShape(dOut.shape)} has dtype ${dOut.dtype} but x ${fmtShape(x.shape)} has dtype ${x.dtype}; they must match`);
}

/** Inputs: x, dOut (x's shape), then the affine parameters present. Outputs: dX, then dWeight/dBias as present. */
function layerNormBackwardInfer(inputs: readonly TensorMeta[], attrs: LayerNormAttrs): TensorMeta[] {
  requireArityIn('layer_norm_backward', inputs, 2, 4);
  const [x, dOut, ...params] = inputs as [TensorMeta, TensorMeta, ...TensorMeta[]];
  checkLayerNorm('layer_norm_backward', x, params, attrs);
  requireGradLike('layer_norm_backward', x, dOut);
  return [{ shape: x.shape, dtype: x.dtype }, ...params.map((p) => ({ shape: p.shape, dtype: p.dtype }))];
}

/** Cases of layer_norm: x of rank 0-4 (zero-size dims too), 0 to rank trailing dims normalized, 0-2 parameters, eps. */
export const layerNormCases: fc.Arbitrary<CheckCase<LayerNormAttrs>> = arbShape({ maxDim: 4, zero: true }).chain((s) =>
  fc.record({ k: fc.integer({ min: 0, max: s.length }), affine: arbAffine(), eps: arbEps }).map(({ k, affine, eps }) => {
    const normalizedShape = s.slice(s.length - k);
    const shapes = [s, ...Array.from({ length: affine.count }, () => normalizedShape)];
    return { shapes, attrs: { normalizedShape, eps, ...(affine.biasOnly ? { biasOnly: true } : {}) } as LayerNormAttrs };
  }),
);

/** layer_norm's cases with dOut (x's shape) after x. */
const cases = layerNormCases.map((c) => ({ shapes: [c.shapes[0]!, c.shapes[0]!, ...c.shapes.slice(1)], attrs: c.attrs }));

/** Backward cost per element of x: two passes of statistics, the dX formula and the parameter sums (about 14 FLOPs). */
export function normBackwardCost(inputs: readonly TensorMeta[], outputs: readonly TensorMeta[]): { flops: number; bytes: number } {
  const bytes = (ms: readonly TensorMeta[]) => ms.reduce((a, m) => a + sizeOf(m.shape) * (m.dtype === 'float64' ? 8 : 4), 0);
  return { flops: 14 * sizeOf(inputs[0]!.shape), bytes: bytes(inputs) + bytes(outputs) };
}

export const layerNormBackwardOp = defineOp({
  name: 'layer_norm_backward',
  family: 'nn',
  doc: "layer_norm's VJP fused: dX = rstd * (g - mean(g) - xhat * mean(g * xhat)), g = dOut * weight; dWeight = sum(dOut * xhat), dBias = sum(dOut) over the leading dims",
  infer: layerNormBackwardInfer,
  // Second derivatives: the reverse pass over the decomposition below.
  vjp: (ctx): (Tensor | null)[] => vjpViaDecompose(layerNormBackwardOp, ctx),
  decompose: ([x, dOut, ...params], attrs) =>
    normVjp(x!, affineInputs(params, attrs), dOut!, trailingPlan(x!.shape, attrs.normalizedShape), resolveEps('layer_norm_backward', attrs.eps, 1e-5), false) as Tensor[],
  check: { cases, inputs: [fIn(DISTINCT), F, F], secondOrder: true },
  cost: normBackwardCost,
});

/** [dX, dWeight?, dBias?] of layer_norm at x for the upstream gradient dOut (params as layer_norm takes them). */
export function layerNormBackward(x: Tensor, dOut: Tensor, params: readonly Tensor[], attrs: LayerNormAttrs): Tensor[] {
  return apply(layerNormBackwardOp, [x, dOut, ...params], attrs);
}
