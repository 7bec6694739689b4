import fc from 'fast-check';
import type { TensorMeta } from '../../backend.js';
import { DISTINCT, F, fIn, type CheckCase, type ValueSource } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { ValueError, fmtShape } from '../../errors.js';
import { noGrad } from '../../gradmode.js';
import { defineOp } from '../../op.js';
import { sizeOf } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { add } from '../binary/add.js';
import { mul } from '../binary/mul.js';
import { sub } from '../binary/sub.js';
import { unbroadcast } from '../grad-util.js';
import { reshape } from '../movement/reshape.js';
import { mean } from '../reduce/mean.js';
import { variance } from '../reduce/var.js';
import { neg } from '../unary/neg.js';
import { rsqrt } from '../unary/rsqrt.js';
import { normForward, normVjp, type Affine } from './norm-grad.js';
import {
  affineArgs, affineInputs, affineNames, arbAffine, arbChannelShape, arbEps, batchPlan, normCost, requireArityIn, requireChannels, requireParams, resolveEps,
  type AffineAttrs,
} from './norm-util.js';

export interface BatchNormAttrs extends AffineAttrs {
  /** true: normalize with the batch statistics; false: with the running mean and var inputs. */
  training: boolean;
  /** Inputs 1 and 2 are the running mean and var (C); required when not training, ignored by y when training. */
  runningStats?: boolean;
  /** Added to the variance (default 1e-5). */
  eps?: number;
  /** Weight of the batch statistics in the running-stat update (default 0.1); validated here, used by batchNorm. */
  momentum?: number;
}

/** Options of the user function batchNorm (torch.nn.functional.batch_norm). */
export interface BatchNormOptions {
  runningMean?: Tensor | null;
  runningVar?: Tensor | null;
  weight?: Tensor | null;
  bias?: Tensor | null;
  training: boolean;
  momentum?: number;
  eps?: number;
}

export interface BatchNormResult {
  y: Tensor;
  /** The updated running statistics when training (the inputs unchanged in eval mode); null without running stats. */
  runningMean: Tensor | null;
  runningVar: Tensor | null;
}

const eps = (a: BatchNormAttrs) => resolveEps('batch_norm', a.eps, 1e-5);
const statCount = (a: BatchNormAttrs) => (a.runningStats ? 2 : 0);

/** Inputs: x (N, C, *), [running mean (C), running var (C)] when runningStats, then the affine parameters present (weight (C), bias (C)). */
function batchNormInfer(inputs: readonly TensorMeta[], attrs: BatchNormAttrs): TensorMeta[] {
  const stats = statCount(attrs);
  requireArityIn('batch_norm', inputs, 1 + stats, 3 + stats);
  const x = inputs[0]!;
  requireChannels('batch_norm', x);
  if (typeof attrs.training !== 'boolean') throw new ValueError('batch_norm', `training ${String(attrs.training)} must be a boolean`);
  if (!attrs.training && !attrs.runningStats) throw new ValueError('batch_norm', `eval mode (training: false) needs runningMean and runningVar for x ${fmtShape(x.shape)}`);
  // NOTE: as torch, a single value per channel cannot be normalized by its own statistics.
  if (attrs.training && x.shape[0]! * sizeOf(x.shape.slice(2)) === 1) {
    throw new ValueError('batch_norm', `x ${fmtShape(x.shape)}: expected more than 1 value per channel when training`);
  }
  resolveEps('batch_norm', attrs.eps, 1e-5);
  const m = attrs.momentum ?? 0.1;
  if (typeof m !== 'number' || !Number.isFinite(m)) throw new ValueError('batch_norm', `momentum ${String(m)} must be a finite number`);
  const names = [...(stats ? ['runningMean', 'runningVar'] : []), ...affineNames(inputs.length - 1 - stats, attrs)];
  requireParams('batch_norm', inputs, 1, names, [x.shape[1]!]);
  return [{ shape: x.shape, dtype: x.dtype }];
}

/**
 * Eval mode, with mean m and var v per channel, r = 1 / sqrt(v + eps), g = dOut * weight:
 *   y = (x - m) * r * weight + bias
 *   dX = g * r, dm = -sum(g * r), dv = -1/2 * sum(g * (x - m)) * r^3, dW = sum(dOut * (x - m) * r), dB = sum(dOut)
 */
function evalParts(x: Tensor, m: Tensor, v: Tensor, attrs: BatchNormAttrs) {
  const plan = batchPlan(x.shape);
  const at = (t: Tensor) => reshape(t, plan.paramView);
  const r = rsqrt(add(at(v), eps(attrs)));
  const param = (t: Tensor) => reshape(unbroadcast(t, plan.paramView), plan.paramShape);
  return { xhat: mul(sub(x, at(m)), r), r, at, param };
}

function evalVjp(x: Tensor, m: Tensor, v: Tensor, { weight: w, bias: b }: Affine, dOut: Tensor, attrs: BatchNormAttrs): (Tensor | null)[] {
  const { xhat, r, at, param } = evalParts(x, m, v, attrs);
  const g = w ? mul(dOut, at(w)) : dOut;
  const dX = mul(g, r);
  // sum(g * r * xhat) = sum(g * (x - m)) * r^2 per channel; one more factor r gives dv.
  const dv = mul(mul(param(mul(dX, xhat)), reshape(r, [x.shape[1]!])), -0.5);
  const grads = [dX, neg(param(dX)), dv];
  return [...grads, ...(w ? [param(mul(dOut, xhat))] : []), ...(b ? [param(dOut)] : [])];
}

function evalForward(x: Tensor, m: Tensor, v: Tensor, { weight: w, bias: b }: Affine, attrs: BatchNormAttrs): Tensor {
  const { xhat, at } = evalParts(x, m, v, attrs);
  const scaled = w ? mul(xhat, at(w)) : xhat;
  return b ? add(scaled, at(b)) : scaled;
}

/** Cases: training or eval, with or without running stats (always with them in eval), 0-2 parameters, eps. */
const cases: fc.Arbitrary<CheckCase<BatchNormAttrs>> = fc
  .record({ s: arbChannelShape(), training: fc.boolean(), stats: fc.boolean(), affine: arbAffine(), eps: arbEps })
  .filter(({ s, training }) => !training || s[0]! * sizeOf(s.slice(2)) !== 1)
  .map(({ s, training, stats, affine, eps }) => {
    const runningStats = stats || !training;
    const n = (runningStats ? 2 : 0) + affine.count;
    return { shapes: [s, ...Array.from({ length: n }, () => [s[1]!])], attrs: { training, runningStats, eps, ...(affine.biasOnly ? { biasOnly: true } : {}) } };
  });

/** The running variance (input 2) must be positive: values in [0.25, 3). */
function values(c: CheckCase<BatchNormAttrs>, src: ValueSource): (number[] | null)[] {
  if (!c.attrs.runningStats) return [];
  return c.shapes.map((s, i) => (i === 2 ? Array.from({ length: sizeOf(s) }, () => 0.25 + 2.75 * src.uniform()) : null));
}

export const batchNormOp = defineOp({
  name: 'batch_norm',
  family: 'nn',
  doc: 'y = (x - mean) / sqrt(var + eps) * weight[c] + bias[c] per channel c of x (N, C, *); training: batch mean and biased var over (N, *), eval: the running mean and var (torch.nn.functional.batch_norm)',
  infer: batchNormInfer,
  // training: as layer_norm over (N, *) per channel; running stats get no gradient (y does not depend on them). eval: see evalVjp.
  vjp: ({ inputs: [x, ...rest], dOut, attrs }) => {
    const affine = affineInputs(rest.slice(statCount(attrs)), attrs);
    if (!attrs.training) return evalVjp(x!, rest[0]!, rest[1]!, affine, dOut, attrs);
    const [dX, ...dParams] = normVjp(x!, affine, dOut, batchPlan(x!.shape), eps(attrs), false);
    return [dX!, ...(attrs.runningStats ? [null, null] : []), ...dParams];
  },
  decompose: ([x, ...rest], attrs) => {
    const affine = affineInputs(rest.slice(statCount(attrs)), attrs);
    if (!attrs.training) return [evalForward(x!, rest[0]!, rest[1]!, affine, attrs)];
    return [normForward(x!, affine, batchPlan(x!.shape), eps(attrs), false)];
  },
  check: { cases, inputs: [fIn(DISTINCT), F], values, secondOrder: true },
  cost: normCost,
});

/**
 * torch.nn.functional.batch_norm, returning y and the running statistics. In training mode the
 * new running stats are (1 - momentum) * running + momentum * batch, with the unbiased batch
 * variance (the normalization itself uses the biased one), computed without recording gradients.
 */
export function batchNorm(x: Tensor, o: BatchNormOptions): BatchNormResult {
  const rm = o.runningMean ?? null, rv = o.runningVar ?? null;
  if ((rm === null) !== (rv === null)) throw new ValueError('batch_norm', 'runningMean and runningVar must be given together');
  const { params, biasOnly } = affineArgs(o.weight ?? null, o.bias ?? null);
  const attrs: BatchNormAttrs = { training: o.training, runningStats: rm !== null, eps: o.eps ?? 1e-5, momentum: o.momentum ?? 0.1, ...(biasOnly ? { biasOnly } : {}) };
  const y = apply1(batchNormOp, [x, ...(rm && rv ? [rm, rv] : []), ...params], attrs);
  if (!o.training || rm === null || rv === null) return { y, runningMean: rm, runningVar: rv };
  const m = attrs.momentum!;
  const axes = batchPlan(x.shape).axes as number[];
  return noGrad(() => ({
    y,
    runningMean: add(mul(rm, 1 - m), mul(mean(x, { axes }), m)),
    runningVar: add(mul(rv, 1 - m), mul(variance(x, { axes, correction: 1 }), m)),
  }));
}
