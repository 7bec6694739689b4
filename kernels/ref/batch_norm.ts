import type { BatchNormAttrs } from '../../engine/ops/nn/batch_norm.js';
import { affineInputs, batchPlan, resolveEps } from '../../engine/ops/nn/norm-util.js';
import { affine, normalize } from './layer_norm.js';
import type { RefArg, RefKernel } from './types.js';
import { broadcastOffsets } from './util.js';

// training: each channel normalized by its batch mean and biased variance over (N, *);
// eval: xhat = (x - mean[c]) / sqrt(var[c] + eps) with the running statistics. Then weight[c], bias[c].
export const batchNorm: RefKernel<BatchNormAttrs> = ([x, ...rest], attrs, [o]) => {
  const plan = batchPlan(x!.shape);
  const eps = resolveEps('batch_norm', attrs.eps, 1e-5);
  const { weight: w, bias: b } = affineInputs(rest.slice(attrs.runningStats ? 2 : 0), attrs);
  if (attrs.training) return [normalize(x!, plan, eps, false, w, b, o!)];
  const [mean, variance] = rest as [RefArg, RefArg];
  const [at] = broadcastOffsets(x!.shape, [plan.paramView]) as [Int32Array];
  const xhat = new Float64Array(x!.data.length);
  for (let i = 0; i < xhat.length; i++) xhat[i] = (x!.data[i]! - mean.data[at[i]!]!) / Math.sqrt(variance.data[at[i]!]! + eps);
  return [affine(xhat, x!.shape, plan, w, b, o!)];
};
