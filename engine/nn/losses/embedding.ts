// Ranking and embedding losses (torch.nn.functional): hinge_embedding_loss, margin_ranking_loss,
// triplet_margin_loss, cosine_embedding_loss.
import { ShapeError, fmtShape } from '../../errors.js';
import { add } from '../../ops/binary/add.js';
import { clamp } from '../../ops/binary/clamp.js';
import { div } from '../../ops/binary/div.js';
import { minimum } from '../../ops/binary/minimum.js';
import { mul } from '../../ops/binary/mul.js';
import { pow } from '../../ops/binary/pow.js';
import { sub } from '../../ops/binary/sub.js';
import { where } from '../../ops/binary/where.js';
import { eq } from '../../ops/compare/eq.js';
import { max } from '../../ops/reduce/max.js';
import { sum } from '../../ops/reduce/sum.js';
import { abs } from '../../ops/unary/abs.js';
import { neg } from '../../ops/unary/neg.js';
import { sqrt } from '../../ops/unary/sqrt.js';
import { square } from '../../ops/unary/square.js';
import type { Tensor } from '../../tensor.js';
import {
  reduceLoss, requireFloatArg, requireNumber, requireNumericArg, requirePlusMinusOne, requireSameShape, resolveReduction, type LossReduction,
} from './util.js';

export interface MarginOptions {
  margin?: number;
  /** 'none' | 'mean' (default) | 'sum'. */
  reduction?: LossReduction;
}

/** max(x, 0) as torch's clamp_min: at x = 0 the gradient passes (relu's would be 0). */
const clampMin0 = (x: Tensor): Tensor => clamp(x, { min: 0 });

/** Resolves the margin (default `dflt`) and reduction. */
function marginAndReduction(loss: string, o: MarginOptions, dflt: number): [number, LossReduction] {
  const margin = o.margin ?? dflt;
  requireNumber(loss, 'margin', margin);
  return [margin, resolveReduction(loss, o.reduction)];
}

/**
 * ℓ = x where y = 1, max(0, margin - x) where y = -1 (F.hinge_embedding_loss; x is usually a
 * distance). NOTE: targets other than ±1 are a ValueError (torch silently mixes both branches).
 */
export function hingeEmbeddingLoss(input: Tensor, target: Tensor, opts: MarginOptions = {}): Tensor {
  const loss = 'hingeEmbeddingLoss';
  const [margin, r] = marginAndReduction(loss, opts, 1);
  requireFloatArg(loss, 'input', input);
  requireNumericArg(loss, 'target', target);
  requireSameShape(loss, ['input', input], ['target', target]);
  requirePlusMinusOne(loss, target);
  return reduceLoss(where(eq(target, 1), input, clampMin0(sub(margin, input))), r);
}

/** ℓ = max(0, -y (x1 - x2) + margin) (F.margin_ranking_loss); y = 1 means x1 should rank higher. */
export function marginRankingLoss(input1: Tensor, input2: Tensor, target: Tensor, opts: MarginOptions = {}): Tensor {
  const loss = 'marginRankingLoss';
  const [margin, r] = marginAndReduction(loss, opts, 0);
  requireFloatArg(loss, 'input1', input1);
  requireFloatArg(loss, 'input2', input2);
  requireNumericArg(loss, 'target', target);
  requireSameShape(loss, ['input1', input1], ['input2', input2]);
  requireSameShape(loss, ['input1', input1], ['target', target]);
  return reduceLoss(clampMin0(add(neg(mul(target, sub(input1, input2))), margin)), r);
}

export interface TripletOptions extends MarginOptions {
  /** Order of the distance norm (default 2; > 0, Infinity allowed). */
  p?: number;
  /** Added to the difference before the norm, as torch.pairwise_distance (default 1e-6). */
  eps?: number;
  /** Use min(d(a, n), d(p, n)) as the negative distance (default false). */
  swap?: boolean;
}

/** ‖x1 - x2 + eps‖_p over the last dim (torch.pairwise_distance). */
function pairwiseDistance(x1: Tensor, x2: Tensor, p: number, eps: number): Tensor {
  const d = add(sub(x1, x2), eps);
  if (p === 2) return sqrt(sum(square(d), { axes: -1 }));
  if (p === 1) return sum(abs(d), { axes: -1 });
  if (p === Infinity) return max(abs(d), { axes: -1 });
  return pow(sum(pow(abs(d), p), { axes: -1 }), 1 / p);
}

/**
 * ℓ = max(0, margin + d(a, p) - d(a, n)) with d the p-norm distance over the last dim
 * (F.triplet_margin_loss); inputs (N, D) or (D), all of one shape.
 */
export function tripletMarginLoss(anchor: Tensor, positive: Tensor, negative: Tensor, opts: TripletOptions = {}): Tensor {
  const loss = 'tripletMarginLoss';
  const [margin, r] = marginAndReduction(loss, opts, 1);
  const p = opts.p ?? 2, eps = opts.eps ?? 1e-6;
  requireNumber(loss, 'p', p, (v) => v > 0, 'a positive number (or Infinity)');
  requireNumber(loss, 'eps', eps);
  for (const [n, t] of [['anchor', anchor], ['positive', positive], ['negative', negative]] as const) requireFloatArg(loss, n, t);
  requireSameShape(loss, ['anchor', anchor], ['positive', positive]);
  requireSameShape(loss, ['anchor', anchor], ['negative', negative]);
  if (anchor.rank !== 1 && anchor.rank !== 2) throw new ShapeError(loss, `anchor ${fmtShape(anchor.shape)} must be (N, D) or (D)`);
  const dPos = pairwiseDistance(anchor, positive, p, eps);
  let dNeg = pairwiseDistance(anchor, negative, p, eps);
  if (opts.swap) dNeg = minimum(dNeg, pairwiseDistance(positive, negative, p, eps));
  return reduceLoss(clampMin0(add(sub(dPos, dNeg), margin)), r);
}

/** Added to each squared norm in the cosine (torch's EPSILON). */
const COSINE_EPS = 1e-12;

/**
 * ℓ = 1 - cos(x1, x2) where y = 1, max(0, cos(x1, x2) - margin) where y = -1
 * (F.cosine_embedding_loss); inputs (N, D) with target (N), or (D) with target ().
 * cos = Σ x1 x2 / sqrt((Σ x1² + 1e-12)(Σ x2² + 1e-12)). NOTE: targets other than ±1 are a ValueError.
 */
export function cosineEmbeddingLoss(input1: Tensor, input2: Tensor, target: Tensor, opts: MarginOptions = {}): Tensor {
  const loss = 'cosineEmbeddingLoss';
  const [margin, r] = marginAndReduction(loss, opts, 0);
  requireFloatArg(loss, 'input1', input1);
  requireFloatArg(loss, 'input2', input2);
  requireNumericArg(loss, 'target', target);
  requireSameShape(loss, ['input1', input1], ['input2', input2]);
  if (target.rank > 1 || input1.rank !== target.rank + 1 || (target.rank === 1 && target.shape[0] !== input1.shape[0])) {
    throw new ShapeError(loss, `target ${fmtShape(target.shape)} does not fit inputs ${fmtShape(input1.shape)}: expected inputs (N, D) with target (N), or (D) with target ()`);
  }
  requirePlusMinusOne(loss, target);
  const axis = { axes: -1 };
  const dotp = sum(mul(input1, input2), axis);
  const mag = mul(add(sum(square(input1), axis), COSINE_EPS), add(sum(square(input2), axis), COSINE_EPS));
  const cos = div(dotp, sqrt(mag));
  return reduceLoss(where(eq(target, 1), sub(1, cos), clampMin0(sub(cos, margin))), r);
}
