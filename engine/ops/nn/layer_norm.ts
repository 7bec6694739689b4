import type { TensorMeta } from '../../backend.js';
import { DISTINCT, F, fIn } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { defineOp } from '../../op.js';
import type { Tensor } from '../../tensor.js';
import { checkLayerNorm, layerNormBackward, layerNormCases } from './layer_norm_backward.js';
import { normForward } from './norm-grad.js';
import { affineArgs, affineInputs, normCost, requireArityIn, resolveEps, trailingPlan, type AffineAttrs } from './norm-util.js';

export interface LayerNormAttrs extends AffineAttrs {
  /** The trailing dims of x that are normalized together (torch's normalized_shape). */
  normalizedShape: readonly number[];
  /** Added to the variance (default 1e-5). */
  eps?: number;
}

/** Inputs: x, then the affine parameters present (weight, bias, both or none; each of shape normalizedShape). */
function layerNormInfer(inputs: readonly TensorMeta[], attrs: LayerNormAttrs): TensorMeta[] {
  requireArityIn('layer_norm', inputs, 1, 3);
  checkLayerNorm('layer_norm', inputs[0]!, inputs.slice(1), attrs);
  return [{ shape: inputs[0]!.shape, dtype: inputs[0]!.dtype }];
}

const eps = (a: LayerNormAttrs) => resolveEps('layer_norm', a.eps, 1e-5);

export const layerNormOp = defineOp({
  name: 'layer_norm',
  family: 'nn',
  doc: 'y = (x - mean) / sqrt(var + eps) * weight + bias, mean and biased var over the trailing normalizedShape dims (torch.nn.functional.layer_norm)',
  infer: layerNormInfer,
  // dX = rstd * (g - mean(g) - xhat * mean(g * xhat)), g = dOut * weight; dW = sum(dOut * xhat), dB = sum(dOut) over leading dims.
  // Runs as the fused op layer_norm_backward (its decomposition is exactly this formula).
  vjp: ({ inputs: [x, ...params], dOut, attrs }) => layerNormBackward(x!, dOut, params, attrs),
  decompose: ([x, ...params], attrs) => [normForward(x!, affineInputs(params, attrs), trailingPlan(x!.shape, attrs.normalizedShape), eps(attrs), false)],
  check: { cases: layerNormCases, inputs: [fIn(DISTINCT), F], secondOrder: true },
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
