import fc from 'fast-check';
import { arbShape } from '../../arb.js';
import type { TensorMeta } from '../../backend.js';
import { DISTINCT, F, fIn } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { defineOp } from '../../op.js';
import type { Tensor } from '../../tensor.js';
import { requireFloat } from '../infer.js';
import { normForward, normVjp } from './norm-grad.js';
import {
  affineArgs, affineInputs, affineNames, arbAffine, arbEps, normCost, requireArityIn, requireParams, requireTrailing, resolveEps, trailingPlan, type AffineAttrs,
} from './norm-util.js';

export interface LayerNormAttrs extends AffineAttrs {
  /** The trailing dims of x that are normalized together (torch's normalized_shape). */
  normalizedShape: readonly number[];
  /** Added to the variance (default 1e-5). */
  eps?: number;
}

/** Inputs: x, then the affine parameters present (weight, bias, both or none; each of shape normalizedShape). */
function layerNormInfer(inputs: readonly TensorMeta[], attrs: LayerNormAttrs): TensorMeta[] {
  requireArityIn('layer_norm', inputs, 1, 3);
  const x = inputs[0]!;
  requireFloat('layer_norm', 'x', x);
  requireTrailing('layer_norm', x, attrs.normalizedShape);
  resolveEps('layer_norm', attrs.eps, 1e-5);
  requireParams('layer_norm', inputs, 1, affineNames(inputs.length - 1, attrs), attrs.normalizedShape);
  return [{ shape: x.shape, dtype: x.dtype }];
}

/** Cases: x of rank 0-4 (zero-size dims too), 0 to rank trailing dims normalized, 0-2 parameters, eps. */
const cases = arbShape({ maxDim: 4, zero: true }).chain((s) =>
  fc.record({ k: fc.integer({ min: 0, max: s.length }), affine: arbAffine(), eps: arbEps }).map(({ k, affine, eps }) => {
    const normalizedShape = s.slice(s.length - k);
    const shapes = [s, ...Array.from({ length: affine.count }, () => normalizedShape)];
    return { shapes, attrs: { normalizedShape, eps, ...(affine.biasOnly ? { biasOnly: true } : {}) } as LayerNormAttrs };
  }),
);

const eps = (a: LayerNormAttrs) => resolveEps('layer_norm', a.eps, 1e-5);

export const layerNormOp = defineOp({
  name: 'layer_norm',
  family: 'nn',
  doc: 'y = (x - mean) / sqrt(var + eps) * weight + bias, mean and biased var over the trailing normalizedShape dims (torch.nn.functional.layer_norm)',
  infer: layerNormInfer,
  // dX = rstd * (g - mean(g) - xhat * mean(g * xhat)), g = dOut * weight; dW = sum(dOut * xhat), dB = sum(dOut) over leading dims.
  vjp: ({ inputs: [x, ...params], dOut, attrs }) => normVjp(x!, affineInputs(params, attrs), dOut, trailingPlan(x!.shape, attrs.normalizedShape), eps(attrs), false),
  decompose: ([x, ...params], attrs) => [normForward(x!, affineInputs(params, attrs), trailingPlan(x!.shape, attrs.normalizedShape), eps(attrs), false)],
  check: { cases, inputs: [fIn(DISTINCT), F], secondOrder: true },
  cost: normCost,
});

/**
 * torch.nn.functional.layer_norm(x, normalized_shape, weight, bias, eps).
 * NOTE: an empty normalizedShape normalizes every element on its own, giving bias (or 0).
 */
export function layerNorm(x: Tensor, normalizedShape: number | readonly number[], weight: Tensor | null = null, bias: Tensor | null = null, eps = 1e-5): Tensor {
  const shape = typeof normalizedShape === 'number' ? [normalizedShape] : normalizedShape;
  const { params, biasOnly } = affineArgs(weight, bias);
  return apply1(layerNormOp, [x, ...params], { normalizedShape: shape, eps, ...(biasOnly ? { biasOnly } : {}) });
}
