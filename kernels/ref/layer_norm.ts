import type { TensorMeta } from '../../engine/backend.js';
import { allocArray, type TypedArray } from '../../engine/dtype.js';
import type { LayerNormAttrs } from '../../engine/ops/nn/layer_norm.js';
import { affineInputs, resolveEps, trailingPlan, type NormPlan } from '../../engine/ops/nn/norm-util.js';
import type { RefArg, RefKernel } from './types.js';
import { broadcastOffsets, reducePlan } from './util.js';

/** out = xhat * w + b, with w and b (either may be absent) broadcast from plan.paramView. Shared by the norm kernels. */
export function affine(xhat: Float64Array, shape: readonly number[], plan: NormPlan, w: RefArg | undefined, b: RefArg | undefined, o: TensorMeta): TypedArray {
  const out = allocArray(o.dtype, xhat.length);
  const [at] = w || b ? broadcastOffsets(shape, [plan.paramView]) : [undefined];
  for (let i = 0; i < xhat.length; i++) out[i] = xhat[i]! * (w ? w.data[at![i]!]! : 1) + (b ? b.data[at![i]!]! : 0);
  return out;
}

/**
 * Normalizes x (viewed as plan.view) over plan.axes, one group of elements at a time, in float64:
 *   layer: m = mean(x), var = mean((x - m)^2) (two passes), xhat = (x - m) / sqrt(var + eps)
 *   rms:   xhat = x / sqrt(mean(x^2) + eps)
 * then applies weight and bias. Shared by layer_norm, rms_norm, batch_norm (training), group_norm, instance_norm.
 */
export function normalize(x: RefArg, plan: NormPlan, eps: number, rms: boolean, w: RefArg | undefined, b: RefArg | undefined, o: TensorMeta): TypedArray {
  const { base, inner } = reducePlan(plan.view, [...plan.axes]);
  const xhat = new Float64Array(x.data.length);
  const n = inner.length;
  for (let i = 0; i < base.length; i++) {
    const at = base[i]!;
    let m = 0;
    if (!rms) {
      for (let j = 0; j < n; j++) m += x.data[at + inner[j]!]!;
      m /= n;
    }
    let ss = 0;
    for (let j = 0; j < n; j++) {
      const d = x.data[at + inner[j]!]! - m;
      ss += d * d;
    }
    const rstd = 1 / Math.sqrt(ss / n + eps);
    for (let j = 0; j < n; j++) xhat[at + inner[j]!] = (x.data[at + inner[j]!]! - m) * rstd;
  }
  return affine(xhat, x.shape, plan, w, b, o);
}

export const layerNorm: RefKernel<LayerNormAttrs> = ([x, ...params], attrs, [o]) => {
  const { weight, bias } = affineInputs(params, attrs);
  return [normalize(x!, trailingPlan(x!.shape, attrs.normalizedShape), resolveEps('layer_norm', attrs.eps, 1e-5), false, weight, bias, o!)];
};
