import type { InstanceNormAttrs } from '../../engine/ops/nn/instance_norm.js';
import { affineInputs, instancePlan, resolveEps } from '../../engine/ops/nn/norm-util.js';
import { normalize } from './layer_norm.js';
import type { RefKernel } from './types.js';

// x (N, C, *): each (sample, channel) normalized over the spatial dims, then weight[c], bias[c].
export const instanceNorm: RefKernel<InstanceNormAttrs> = ([x, ...params], attrs, [o]) => {
  const { weight, bias } = affineInputs(params, attrs);
  return [normalize(x!, instancePlan(x!.shape), resolveEps('instance_norm', attrs.eps, 1e-5), false, weight, bias, o!)];
};
