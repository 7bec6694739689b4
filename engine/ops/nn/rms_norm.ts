import fc from 'fast-check';
import { arbShape } from '../../arb.js';
import type { TensorMeta } from '../../backend.js';
import { F, NONZERO, fIn } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import type { DType } from '../../dtype.js';
import { defineOp } from '../../op.js';
import type { Tensor } from '../../tensor.js';
import { requireFloat } from '../infer.js';
import { normForward, normVjp } from './norm-grad.js';
import { arbParamCount, normCost, requireArityIn, requireParams, requireTrailing, rmsEps, trailingPlan } from './norm-util.js';

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
  const x = inputs[0]!;
  requireFloat('rms_norm', 'x', x);
  requireTrailing('rms_norm', x, attrs.normalizedShape);
  rmsNormEps(attrs, x.dtype);
  requireParams('rms_norm', inputs, 1, ['weight'], attrs.normalizedShape);
  return [{ shape: x.shape, dtype: x.dtype }];
}

/** Cases: x of rank 0-4 (zero-size dims too), 0 to rank trailing dims normalized, with or without weight. */
const cases = arbShape({ maxDim: 4, zero: true }).chain((s) =>
  fc.record({ k: fc.integer({ min: 0, max: s.length }), params: arbParamCount(1), eps: fc.constantFrom(undefined, 1e-6, 0.1) }).map(({ k, params, eps }) => {
    const normalizedShape = s.slice(s.length - k);
    return { shapes: [s, ...Array.from({ length: params }, () => normalizedShape)], attrs: { normalizedShape, eps } as RmsNormAttrs };
  }),
);

export const rmsNormOp = defineOp({
  name: 'rms_norm',
  family: 'nn',
  doc: 'y = x / sqrt(mean(x^2) + eps) * weight, mean over the trailing normalizedShape dims (torch.nn.functional.rms_norm; Zhang & Sennrich 2019)',
  infer: rmsNormInfer,
  // dX = rstd * (g - xhat * mean(g * xhat)), g = dOut * weight, xhat = x * rstd; dW = sum(dOut * xhat) over leading dims.
  vjp: ({ inputs: [x, w], dOut, attrs }) => normVjp(x!, { weight: w }, dOut, trailingPlan(x!.shape, attrs.normalizedShape), rmsNormEps(attrs, x!.dtype), true),
  decompose: ([x, w], attrs) => [normForward(x!, { weight: w }, trailingPlan(x!.shape, attrs.normalizedShape), rmsNormEps(attrs, x!.dtype), true)],
  // NOTE: x is kept away from 0 so that mean(x^2) is not dwarfed by the tiny default eps.
  check: { cases, inputs: [fIn(NONZERO), F], secondOrder: true },
  cost: normCost,
});

/** torch.nn.functional.rms_norm (torch >= 2.4); eps defaults to torch.finfo(x.dtype).eps. Paper: Zhang & Sennrich, "Root Mean Square Layer Normalization" (2019). */
export function rmsNorm(x: Tensor, normalizedShape: number | readonly number[], weight: Tensor | null = null, eps?: number): Tensor {
  const shape = typeof normalizedShape === 'number' ? [normalizedShape] : normalizedShape;
  return apply1(rmsNormOp, weight ? [x, weight] : [x], eps === undefined ? { normalizedShape: shape } : { normalizedShape: shape, eps });
}
