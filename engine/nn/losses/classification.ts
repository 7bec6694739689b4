// Multi-class losses (torch.nn.functional): nll_loss, cross_entropy (class indices with weights,
// ignore_index and label smoothing, or class probabilities) and kl_div.
// Layout: input (N, C) or (N, C, d1, ...) with classes on axis 1, or (C) unbatched; class-index
// targets are int32 of shape (N) / (N, d1, ...) / ().
import { DTypeError, ShapeError, ValueError, fmtShape } from '../../errors.js';
import { isFloat } from '../../dtype.js';
import { add } from '../../ops/binary/add.js';
import { div } from '../../ops/binary/div.js';
import { mul } from '../../ops/binary/mul.js';
import { sub } from '../../ops/binary/sub.js';
import { where } from '../../ops/binary/where.js';
import { eq } from '../../ops/compare/eq.js';
import { ne } from '../../ops/compare/ne.js';
import { cast } from '../../ops/linalg/cast.js';
import { gather } from '../../ops/movement/gather.js';
import { indexSelect } from '../../ops/movement/index_select.js';
import { reshape } from '../../ops/movement/reshape.js';
import { squeeze } from '../../ops/movement/squeeze.js';
import { unsqueeze } from '../../ops/movement/unsqueeze.js';
import { logSoftmax } from '../../ops/nn/log_softmax.js';
import { sum } from '../../ops/reduce/sum.js';
import { exp } from '../../ops/unary/exp.js';
import { log } from '../../ops/unary/log.js';
import { neg } from '../../ops/unary/neg.js';
import { sameShape } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import {
  reduceLoss, requireClassIndices, requireFloatArg, requireNumber, requireSameShape, resolveReduction, type LossReduction,
} from './util.js';

export interface NllOptions {
  /** Per-class weight (C); default all ones. */
  weight?: Tensor | null;
  /** Targets equal to this contribute nothing, to the sum or to the mean's divisor (default -100). */
  ignoreIndex?: number;
  /** 'none': one loss per target; 'mean' (default): Σ w[y]·ℓ / Σ w[y] over kept targets; 'sum'. */
  reduction?: LossReduction;
}

export interface CrossEntropyOptions extends NllOptions {
  /** ε in [0, 1]: the target becomes (1 - ε)·onehot + ε/C (default 0). */
  labelSmoothing?: number;
}

/** torch's default ignore_index. */
const IGNORE_INDEX = -100;

const classAxis = (input: Tensor) => (input.rank === 1 ? 0 : 1);

/** Validates input/weight/ignoreIndex; returns the number of classes C. */
function checkInputAndWeight(loss: string, input: Tensor, o: NllOptions): number {
  requireFloatArg(loss, 'input', input);
  if (input.rank === 0) throw new ShapeError(loss, `input ${fmtShape(input.shape)} must have a class dimension: (C), (N, C) or (N, C, d1, ...)`);
  const c = input.shape[classAxis(input)]!;
  const w = o.weight;
  if (w) {
    requireFloatArg(loss, 'weight', w);
    if (!sameShape(w.shape, [c])) throw new ShapeError(loss, `weight ${fmtShape(w.shape)} must have shape (${c}), one weight per class of input ${fmtShape(input.shape)}`);
  }
  if (o.ignoreIndex !== undefined) requireNumber(loss, 'ignoreIndex', o.ignoreIndex, Number.isInteger, 'an integer');
  return c;
}

/** int32 class indices of shape () for a (C) input, else input's shape without axis 1. */
function checkIndexTarget(loss: string, input: Tensor, target: Tensor, probabilitiesAllowed: boolean): void {
  if (target.dtype !== 'int32') {
    const hint = probabilitiesAllowed && isFloat(target.dtype) ? ` (float class probabilities need input's shape ${fmtShape(input.shape)})` : '';
    throw new DTypeError(loss, `target ${fmtShape(target.shape)} has dtype ${target.dtype}; class indices must be int32${hint}`);
  }
  const want = input.rank === 1 ? [] : [input.shape[0]!, ...input.shape.slice(2)];
  if (!sameShape(target.shape, want)) {
    throw new ShapeError(loss, `target ${fmtShape(target.shape)} does not fit input ${fmtShape(input.shape)}: class indices need shape ${fmtShape(want)}`);
  }
}

interface Picked {
  /** -w[y]·logp[y] per target, 0 where ignored (target's shape). */
  loss: Tensor;
  /** w[y] per target, 0 where ignored: the divisor of the 'mean' reduction. */
  weight: Tensor;
  ignored: Tensor;
}

/** Picks logp at the target class of each position (batched layout, class axis 1). */
function pickTargets(logp: Tensor, target: Tensor, o: NllOptions): Picked {
  const ignored = eq(target, o.ignoreIndex ?? IGNORE_INDEX);
  const safe = where(ignored, 0, target);
  const picked = squeeze(gather(logp, unsqueeze(safe, 1), { axis: 1 }), 1);
  const kept = cast(ne(target, o.ignoreIndex ?? IGNORE_INDEX), logp.dtype);
  const w = o.weight ? mul(reshape(indexSelect(o.weight, reshape(safe, [safe.size]), { axis: 0 }), safe.shape), kept) : kept;
  return { loss: where(ignored, 0, neg(mul(picked, w))), weight: w, ignored };
}

function reducePicked(p: Picked, lossPerTarget: Tensor, r: LossReduction): Tensor {
  if (r === 'none') return lossPerTarget;
  if (r === 'sum') return sum(lossPerTarget);
  return div(sum(lossPerTarget), sum(p.weight));
}

/** Adds a batch dimension of 1 to an unbatched (C) input and its () target. */
const batched = (input: Tensor, target: Tensor): [Tensor, Tensor] => (input.rank === 1 ? [unsqueeze(input, 0), unsqueeze(target, 0)] : [input, target]);
const unbatch = (out: Tensor, input: Tensor, r: LossReduction) => (input.rank === 1 && r === 'none' ? squeeze(out, 0) : out);

/**
 * Negative log-likelihood of log-probabilities (F.nll_loss): ℓ_n = -w[y_n]·x[n, y_n].
 * NOTE: 'mean' divides by Σ w[y_n] over non-ignored targets (torch), so it is NaN when every
 * target is ignored. Class indices out of range are a ValueError (checked on synchronous backends).
 */
export function nllLoss(input: Tensor, target: Tensor, opts: NllOptions = {}): Tensor {
  const loss = 'nllLoss';
  const r = resolveReduction(loss, opts.reduction);
  const c = checkInputAndWeight(loss, input, opts);
  checkIndexTarget(loss, input, target, false);
  requireClassIndices(loss, target, c, opts.ignoreIndex ?? IGNORE_INDEX, input);
  const [x, t] = batched(input, target);
  const p = pickTargets(x, t, opts);
  return unbatch(reducePicked(p, p.loss, r), input, r);
}

/** weight reshaped to broadcast along the class axis of an input of rank `rank`. */
const classWeight = (w: Tensor, rank: number) => (rank <= 1 ? w : reshape(w, [1, w.shape[0]!, ...Array<number>(rank - 2).fill(1)]));

/** Class-index targets: (1 - ε)·nll + ε/C · (the loss against the uniform distribution). */
function crossEntropyIndices(input: Tensor, target: Tensor, o: CrossEntropyOptions, r: LossReduction, c: number): Tensor {
  const [x, t] = batched(input, target);
  const logp = logSoftmax(x, { axis: 1 });
  const p = pickTargets(logp, t, o);
  const nll = reducePicked(p, p.loss, r);
  const eps = o.labelSmoothing ?? 0;
  if (eps === 0) return unbatch(nll, input, r);
  // smooth_n = -Σ_c w_c logp[n, c], 0 where ignored; 'mean' divides by the same Σ w[y_n] as nll.
  const weighted = o.weight ? mul(logp, classWeight(o.weight, logp.rank)) : logp;
  const smooth = where(p.ignored, 0, neg(sum(weighted, { axes: 1 })));
  const out = add(mul(nll, 1 - eps), mul(reducePicked(p, smooth, r), eps / c));
  return unbatch(out, input, r);
}

/** Class-probability targets of the input's shape: ℓ_n = -Σ_c w_c q[n, c] logp[n, c]. */
function crossEntropyProbabilities(input: Tensor, target: Tensor, o: CrossEntropyOptions, r: LossReduction, c: number): Tensor {
  const axis = classAxis(input);
  const eps = o.labelSmoothing ?? 0;
  const q = eps > 0 ? add(mul(target, 1 - eps), eps / c) : target;
  let prod = mul(logSoftmax(input, { axis }), q);
  if (o.weight) prod = mul(prod, classWeight(o.weight, input.rank));
  if (r === 'none') return neg(sum(prod, { axes: axis }));
  // NOTE: 'mean' divides by the number of positions (numel / C), not by a sum of weights (torch).
  return r === 'sum' ? neg(sum(prod)) : div(neg(sum(prod)), input.size / c);
}

/**
 * Cross entropy of logits (F.cross_entropy) = nll of log_softmax along the class axis, stable for
 * any logits (±1e4 included). target: int32 class indices, or float class probabilities of the
 * input's shape (ignoreIndex is then not allowed, as in torch).
 */
export function crossEntropy(input: Tensor, target: Tensor, opts: CrossEntropyOptions = {}): Tensor {
  const loss = 'crossEntropy';
  const r = resolveReduction(loss, opts.reduction);
  const c = checkInputAndWeight(loss, input, opts);
  const eps = opts.labelSmoothing ?? 0;
  requireNumber(loss, 'labelSmoothing', eps, (v) => v >= 0 && v <= 1, 'a number in [0, 1]');
  if (isFloat(target.dtype) && sameShape(target.shape, input.shape)) {
    if (opts.ignoreIndex !== undefined && opts.ignoreIndex >= 0) {
      throw new ValueError(loss, `ignoreIndex ${opts.ignoreIndex} is not supported with class-probability targets ${fmtShape(target.shape)}`);
    }
    return crossEntropyProbabilities(input, target, opts, r, c);
  }
  checkIndexTarget(loss, input, target, true);
  requireClassIndices(loss, target, c, opts.ignoreIndex ?? IGNORE_INDEX, input);
  return crossEntropyIndices(input, target, opts, r, c);
}

export interface KlDivOptions {
  /** 'batchmean' (the KL divergence per example) divides the sum by input.shape[0]; 'mean' by every element. */
  reduction?: LossReduction | 'batchmean';
  /** target holds log-probabilities (default false). */
  logTarget?: boolean;
}

/** xlogy(t, t) = t log t with 0 at t = 0 (NaN for t < 0, as torch.xlogy); no NaN in the gradient at 0. */
function xlogx(t: Tensor): Tensor {
  const zero = eq(t, 0);
  return where(zero, 0, mul(t, log(where(zero, 1, t))));
}

/**
 * KL divergence with input = log q (F.kl_div): ℓ = p (log p - log q), or with logTarget
 * (target = log p): ℓ = e^{target} (target - input). NOTE: as in torch, 'mean' averages over
 * every element; 'batchmean' gives the mathematical KL(p ‖ q) per example.
 */
export function klDiv(input: Tensor, target: Tensor, opts: KlDivOptions = {}): Tensor {
  const loss = 'klDiv';
  const r = resolveReduction<LossReduction | 'batchmean'>(loss, opts.reduction, ['none', 'mean', 'sum', 'batchmean']);
  requireFloatArg(loss, 'input', input);
  requireFloatArg(loss, 'target', target);
  requireSameShape(loss, ['input', input], ['target', target]);
  const out = opts.logTarget ? mul(exp(target), sub(target, input)) : sub(xlogx(target), mul(target, input));
  if (r !== 'batchmean') return reduceLoss(out, r);
  return input.rank === 0 ? sum(out) : div(sum(out), input.shape[0]!);
}
