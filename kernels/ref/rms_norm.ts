import { rmsEps, trailingPlan } from '../../engine/ops/nn/norm-util.js';
import type { RmsNormAttrs } from '../../engine/ops/nn/rms_norm.js';
import { normalize } from './layer_norm.js';
import type { RefKernel } from './types.js';

// y = x / sqrt(mean(x^2) + eps) * weight over the trailing normalizedShape dims.
export const rmsNorm: RefKernel<RmsNormAttrs> = ([x, w], attrs, [o]) => [
  normalize(x!, trailingPlan(x!.shape, attrs.normalizedShape), rmsEps(attrs.eps, x!.dtype), true, w, undefined, o!),
];
