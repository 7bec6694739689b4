import { rmsEps } from '../../engine/ops/nn/norm-util.js';
import type { RmsNormAttrs } from '../../engine/ops/nn/rms_norm.js';
import { sizeOf } from '../../engine/shape.js';
import { normBackward } from './layer_norm_backward.js';
import type { RefKernel } from './types.js';

// dX = rstd * (g - xhat * mean(g * xhat)), g = dOut * weight, xhat = x * rstd; dW = sum(dOut * xhat) over the leading dims.
export const rmsNormBackward: RefKernel<RmsNormAttrs> = ([x, dOut, w], attrs, outs) => [
  ...normBackward(x!, dOut!, w, !!w, false, sizeOf(attrs.normalizedShape), rmsEps(attrs.eps, x!.dtype), true, outs),
];
