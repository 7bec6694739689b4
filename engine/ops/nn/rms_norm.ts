import type { TensorMeta } from '../../backend.js';
import { F, NONZERO, fIn } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import type { DType } from '../../dtype.js';
import { defineOp } from '../../op.js';
import type { Tensor } from '../../tensor.js';
import { normForward } from './norm-grad.js';
import { normCost, requireArityIn, rmsEps, trailingPlan } from './norm-util.js';
import { checkRmsNorm, rmsNormBackward, rmsNormCases } from './rms_norm_backward.js';

export interface RmsNormAttrs {
  /** The trailing dims of x that are normalized together (torch's normalized_shape). */
  normalizedShape: readonly number[];
  /** Added to mean(x^2); default torch.finfo(x.dtype).eps (2^-23 for float32, 2^-52 for float64). */
  eps?: number;
}

/** eps resolved against x's dtype, identically in infer, VJP and kernel. */
const rmsNormEps = (attrs: RmsNormAttrs, dtype: DType): number => rmsEps(attrs.eps, dtype);

/** Inputs: x, then optionally weight (shape normalizedShape); RMSNorm has no bias. */
function rmsNormInfer(inputs: readonly TensorMeta[], attrs: RmsNormAttrs): TensorMeta[] {
  requireArityIn('rms_norm', inputs, 1, 2);
  checkRmsNorm('rms_norm', inputs[0]!, inputs.slice(1), attrs);
  return [{ shape: inputs[0]!.shape, dtype: inputs[0]!.dtype }];
}

export const rmsNormOp = defineOp({
  name: 'rms_norm',
  family: 'nn',
  doc: 'y = x / sqrt(mean(x^2) + eps) * weight, mean over the trailing normalizedShape dims (torch.nn.functional.rms_norm; Zhang & Sennrich 2019)',
  infer: rmsNormInfer,
  // dX = rstd * (g - xhat * mean(g * xhat)), g = dOut * weight, xhat = x * rstd; dW = sum(dOut * xhat) over leading dims.
  // Runs as the fused op rms_norm_backward (its decomposition is exactly this formula).
  vjp: ({ inputs: [x, w], dOut, attrs }) => rmsNormBackward(x!, dOut, w, attrs),
  decompose: ([x, w], attrs) => [normForward(x!, { weight: w }, trailingPlan(x!.shape, attrs.normalizedShape), rmsNormEps(attrs, x!.dtype), true)],
  // NOTE: x is kept away from 0 so that mean(x^2) is not dwarfed by the tiny default eps.
  check: { cases: rmsNormCases, inputs: [fIn(NONZERO), F], secondOrder: true },
  cost: normCost,
});

/** torch.nn.functional.rms_norm (torch >= 2.4); eps defaults to torch.finfo(x.dtype).eps. Paper: Zhang & Sennrich, "Root Mean Square Layer Normalization" (2019). */
export function rmsNorm(x: Tensor, normalizedShape: number | readonly number[], weight: Tensor | null = null, eps?: number): Tensor {
  const shape = typeof normalizedShape === 'number' ? [normalizedShape] : normalizedShape;
  return apply1(rmsNormOp, weight ? [x, weight] : [x], eps === undefined ? { normalizedShape: shape } : { normalizedShape: shape, eps });
}
