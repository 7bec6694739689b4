import fc from 'fast-check';
import type { TensorMeta } from '../../backend.js';
import { DISTINCT, F, fIn } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { ValueError, fmtShape } from '../../errors.js';
import { defineOp } from '../../op.js';
import type { Tensor } from '../../tensor.js';
import { normForward, normVjp } from './norm-grad.js';
import {
  affineArgs, affineInputs, affineNames, arbAffine, arbChannelShape, arbEps, groupPlan, normCost, requireArityIn, requireChannels, requireParams, resolveEps,
  type AffineAttrs,
} from './norm-util.js';

export interface GroupNormAttrs extends AffineAttrs {
  /** G: the C channels are split into G consecutive groups of C/G channels. */
  numGroups: number;
  /** Added to the variance (default 1e-5). */
  eps?: number;
}

/** Inputs: x (N, C, *), then the affine parameters present (weight (C), bias (C), both or none). */
function groupNormInfer(inputs: readonly TensorMeta[], attrs: GroupNormAttrs): TensorMeta[] {
  requireArityIn('group_norm', inputs, 1, 3);
  const x = inputs[0]!;
  requireChannels('group_norm', x);
  const g = attrs.numGroups, c = x.shape[1]!;
  if (!Number.isInteger(g) || g < 1) throw new ValueError('group_norm', `numGroups ${String(g)} must be a positive integer`);
  if (c % g !== 0) throw new ValueError('group_norm', `numGroups ${g} does not divide the ${c} channels of x ${fmtShape(x.shape)}`);
  resolveEps('group_norm', attrs.eps, 1e-5);
  requireParams('group_norm', inputs, 1, affineNames(inputs.length - 1, attrs), [c]);
  return [{ shape: x.shape, dtype: x.dtype }];
}

/** Cases: G in 1-3 groups of 1-2 channels, x (N, C, *) of rank 2-4, any affine parameters, eps. */
const cases = fc
  .record({ groups: fc.integer({ min: 1, max: 3 }), per: fc.integer({ min: 1, max: 2 }), affine: arbAffine(), eps: arbEps })
  .chain(({ groups, per, affine, eps }) =>
    arbChannelShape(fc.constant(groups * per)).map((s) => ({
      shapes: [s, ...Array.from({ length: affine.count }, () => [s[1]!])],
      attrs: { numGroups: groups, eps, ...(affine.biasOnly ? { biasOnly: true } : {}) } as GroupNormAttrs,
    })),
  );

const eps = (a: GroupNormAttrs) => resolveEps('group_norm', a.eps, 1e-5);

export const groupNormOp = defineOp({
  name: 'group_norm',
  family: 'nn',
  doc: 'y = (x - mean) / sqrt(var + eps) * weight[c] + bias[c], mean and biased var per sample over each group of C/G channels and all spatial dims (torch.nn.functional.group_norm; Wu & He 2018)',
  infer: groupNormInfer,
  // As layer_norm on x viewed (N, G, C/G * S): dX = rstd * (g - mean(g) - xhat * mean(g * xhat)), g = dOut * weight[c].
  vjp: ({ inputs: [x, ...params], dOut, attrs }) => normVjp(x!, affineInputs(params, attrs), dOut, groupPlan(x!.shape, attrs.numGroups), eps(attrs), false),
  decompose: ([x, ...params], attrs) => [normForward(x!, affineInputs(params, attrs), groupPlan(x!.shape, attrs.numGroups), eps(attrs), false)],
  check: { cases, inputs: [fIn(DISTINCT), F], secondOrder: true },
  cost: normCost,
});

/** torch.nn.functional.group_norm(x, num_groups, weight, bias, eps). Paper: Wu & He, "Group Normalization" (2018). */
export function groupNorm(x: Tensor, numGroups: number, weight: Tensor | null = null, bias: Tensor | null = null, eps = 1e-5): Tensor {
  const { params, biasOnly } = affineArgs(weight, bias);
  return apply1(groupNormOp, [x, ...params], { numGroups, eps, ...(biasOnly ? { biasOnly } : {}) });
}
