import fc from 'fast-check';
import type { TensorMeta } from '../../backend.js';
import { DISTINCT, F, fIn } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { ValueError, fmtShape } from '../../errors.js';
import { defineOp } from '../../op.js';
import { sizeOf } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { normForward, normVjp } from './norm-grad.js';
import {
  affineArgs, affineInputs, affineNames, arbAffine, arbChannelShape, arbEps, instancePlan, normCost, requireArityIn, requireChannels, requireParams, resolveEps,
  type AffineAttrs,
} from './norm-util.js';

export interface InstanceNormAttrs extends AffineAttrs {
  /** Added to the variance (default 1e-5). */
  eps?: number;
}

/** Inputs: x (N, C, *), then the affine parameters present (weight (C), bias (C), both or none). */
function instanceNormInfer(inputs: readonly TensorMeta[], attrs: InstanceNormAttrs): TensorMeta[] {
  requireArityIn('instance_norm', inputs, 1, 3);
  const x = inputs[0]!;
  requireChannels('instance_norm', x);
  // NOTE: as torch, one spatial element per (sample, channel) is an error: its variance is always 0.
  if (sizeOf(x.shape.slice(2)) === 1) throw new ValueError('instance_norm', `x ${fmtShape(x.shape)}: expected more than 1 spatial element per sample and channel`);
  resolveEps('instance_norm', attrs.eps, 1e-5);
  requireParams('instance_norm', inputs, 1, affineNames(inputs.length - 1, attrs), [x.shape[1]!]);
  return [{ shape: x.shape, dtype: x.dtype }];
}

/** Cases: x (N, C, *) of rank 3-4 with more than one spatial element (or none), any affine parameters, eps. */
const cases = fc
  .record({ s: arbChannelShape(), affine: arbAffine(), eps: arbEps })
  .filter(({ s }) => sizeOf(s.slice(2)) !== 1)
  .map(({ s, affine, eps }) => ({
    shapes: [s, ...Array.from({ length: affine.count }, () => [s[1]!])],
    attrs: { eps, ...(affine.biasOnly ? { biasOnly: true } : {}) } as InstanceNormAttrs,
  }));

const eps = (a: InstanceNormAttrs) => resolveEps('instance_norm', a.eps, 1e-5);

export const instanceNormOp = defineOp({
  name: 'instance_norm',
  family: 'nn',
  doc: 'y = (x - mean) / sqrt(var + eps) * weight[c] + bias[c], mean and biased var per sample and channel over the spatial dims (torch.nn.functional.instance_norm with input statistics)',
  infer: instanceNormInfer,
  // As layer_norm over the spatial dims: dX = rstd * (g - mean(g) - xhat * mean(g * xhat)), g = dOut * weight[c].
  vjp: ({ inputs: [x, ...params], dOut, attrs }) => normVjp(x!, affineInputs(params, attrs), dOut, instancePlan(x!.shape), eps(attrs), false),
  decompose: ([x, ...params], attrs) => [normForward(x!, affineInputs(params, attrs), instancePlan(x!.shape), eps(attrs), false)],
  check: { cases, inputs: [fIn(DISTINCT), F], secondOrder: true },
  cost: normCost,
});

/** torch.nn.functional.instance_norm(x, weight=weight, bias=bias, eps=eps) (statistics of the input, no running stats). */
export function instanceNorm(x: Tensor, weight: Tensor | null = null, bias: Tensor | null = null, eps = 1e-5): Tensor {
  const { params, biasOnly } = affineArgs(weight, bias);
  return apply1(instanceNormOp, [x, ...params], { eps, ...(biasOnly ? { biasOnly } : {}) });
}
