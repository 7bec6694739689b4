// Binary and multi-label losses (torch.nn.functional): binary_cross_entropy,
// binary_cross_entropy_with_logits, soft_margin_loss, multilabel_soft_margin_loss.
import { ShapeError, fmtShape } from '../../errors.js';
import { add } from '../../ops/binary/add.js';
import { clamp } from '../../ops/binary/clamp.js';
import { div } from '../../ops/binary/div.js';
import { mul } from '../../ops/binary/mul.js';
import { sub } from '../../ops/binary/sub.js';
import { where } from '../../ops/binary/where.js';
import { gt } from '../../ops/compare/gt.js';
import { sum } from '../../ops/reduce/sum.js';
import { log } from '../../ops/unary/log.js';
import { logsigmoid } from '../../ops/unary/logsigmoid.js';
import { neg } from '../../ops/unary/neg.js';
import type { Tensor } from '../../tensor.js';
import {
  reduceLoss, requireBroadcastsTo, requireFloatArg, requireSameShape, requireValues, resolveReduction, type LossReduction,
} from './util.js';

export interface BceOptions {
  /** Rescales each element's loss; broadcasts to the input's shape. */
  weight?: Tensor | null;
  /** 'none' | 'mean' (default) | 'sum'. */
  reduction?: LossReduction;
}

export interface BceWithLogitsOptions extends BceOptions {
  /** Weight of the positive term, broadcast along the last (class) dim: ℓ = -[p·y log σ(x) + (1-y) log(1-σ(x))]. */
  posWeight?: Tensor | null;
}

/** Float input and target of one shape, and an optional float weight that broadcasts to it. */
function checkBinary(loss: string, input: Tensor, target: Tensor, weight: Tensor | null | undefined): void {
  requireFloatArg(loss, 'input', input);
  requireFloatArg(loss, 'target', target);
  requireSameShape(loss, ['input', input], ['target', target]);
  if (weight) {
    requireFloatArg(loss, 'weight', weight);
    requireBroadcastsTo(loss, 'weight', weight, input.shape, 'input');
  }
}

/** max(log t, -100) with log 0 = -100 and a zero (not NaN) gradient where t <= 0 (torch's clamp of the log). */
function clampedLog(t: Tensor): Tensor {
  const pos = gt(t, 0);
  return where(pos, clamp(log(where(pos, t, 1)), { min: -100 }), -100);
}

const inUnit = (v: number) => v >= 0 && v <= 1;

/**
 * ℓ = -w [y log x + (1 - y) log(1 - x)] for probabilities x (F.binary_cross_entropy).
 * NOTE: each log is clamped to >= -100 as in torch, so x = 0 or 1 gives a finite loss; input and
 * target outside [0, 1] are a ValueError (checked on synchronous backends).
 */
export function binaryCrossEntropy(input: Tensor, target: Tensor, opts: BceOptions = {}): Tensor {
  const loss = 'binaryCrossEntropy';
  const r = resolveReduction(loss, opts.reduction);
  checkBinary(loss, input, target, opts.weight);
  requireValues(loss, 'input', input, inUnit, 'probabilities must lie in [0, 1]');
  requireValues(loss, 'target', target, inUnit, 'probabilities must lie in [0, 1]');
  let out = neg(add(mul(target, clampedLog(input)), mul(sub(1, target), clampedLog(sub(1, input)))));
  if (opts.weight) out = mul(out, opts.weight);
  return reduceLoss(out, r);
}

/**
 * Binary cross entropy of logits (F.binary_cross_entropy_with_logits), written as
 * ℓ = (1 - y)·x - (1 + (p - 1)·y)·logsigmoid(x), which never overflows (finite at x = ±1e4).
 */
export function bceWithLogits(input: Tensor, target: Tensor, opts: BceWithLogitsOptions = {}): Tensor {
  const loss = 'bceWithLogits';
  const r = resolveReduction(loss, opts.reduction);
  checkBinary(loss, input, target, opts.weight);
  const pw = opts.posWeight;
  if (pw) {
    requireFloatArg(loss, 'posWeight', pw);
    requireBroadcastsTo(loss, 'posWeight', pw, input.shape, 'input');
  }
  // -[p y log σ(x) + (1 - y) log σ(-x)] with log σ(-x) = log σ(x) - x.
  const logWeight = pw ? add(mul(sub(pw, 1), target), 1) : null;
  const ls = logsigmoid(input);
  let out = sub(mul(sub(1, target), input), logWeight ? mul(logWeight, ls) : ls);
  if (opts.weight) out = mul(out, opts.weight);
  return reduceLoss(out, r);
}

/** ℓ = log(1 + e^{-y x}) for targets y = ±1 (F.soft_margin_loss), as -logsigmoid(y x). */
export function softMarginLoss(input: Tensor, target: Tensor, opts: { reduction?: LossReduction } = {}): Tensor {
  const loss = 'softMarginLoss';
  const r = resolveReduction(loss, opts.reduction);
  checkBinary(loss, input, target, null);
  return reduceLoss(neg(logsigmoid(mul(target, input))), r);
}

/**
 * Multi-label one-vs-all loss (F.multilabel_soft_margin_loss) on input (N, C) or (C), classes last:
 * ℓ_n = -(1/C) Σ_c w_c [y log σ(x) + (1 - y) log σ(-x)]; one loss per example.
 */
export function multilabelSoftMarginLoss(input: Tensor, target: Tensor, opts: BceOptions = {}): Tensor {
  const loss = 'multilabelSoftMarginLoss';
  const r = resolveReduction(loss, opts.reduction);
  checkBinary(loss, input, target, opts.weight);
  if (input.rank === 0) throw new ShapeError(loss, `input ${fmtShape(input.shape)} must have a class dimension (the last): (C) or (N, C)`);
  let out = neg(add(mul(target, logsigmoid(input)), mul(sub(1, target), logsigmoid(neg(input)))));
  if (opts.weight) out = mul(out, opts.weight);
  const perExample = div(sum(out, { axes: -1 }), input.shape[input.rank - 1]!);
  return reduceLoss(perExample, r);
}
