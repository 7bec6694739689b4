import type { GroupNormAttrs } from '../../engine/ops/nn/group_norm.js';
import { affineInputs, groupPlan, resolveEps } from '../../engine/ops/nn/norm-util.js';
import { normalize } from './layer_norm.js';
import type { RefKernel } from './types.js';

// x (N, C, *) viewed as (N, G, C/G * S): each (sample, group) normalized, then weight[c], bias[c].
export const groupNorm: RefKernel<GroupNormAttrs> = ([x, ...params], attrs, [o]) => {
  const { weight, bias } = affineInputs(params, attrs);
  return [normalize(x!, groupPlan(x!.shape, attrs.numGroups), resolveEps('group_norm', attrs.eps, 1e-5), false, weight, bias, o!)];
};
