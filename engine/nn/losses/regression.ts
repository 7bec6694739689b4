// Regression losses (torch.nn.functional): mse, l1, smooth L1, Huber, Poisson NLL, Gaussian NLL.
// Each is composed of ops, so gradients (and second derivatives) come from autodiff.
import { noGrad } from '../../gradmode.js';
import { ShapeError, fmtShape } from '../../errors.js';
import { add } from '../../ops/binary/add.js';
import { clamp } from '../../ops/binary/clamp.js';
import { mul } from '../../ops/binary/mul.js';
import { sub } from '../../ops/binary/sub.js';
import { div } from '../../ops/binary/div.js';
import { where } from '../../ops/binary/where.js';
import { gt } from '../../ops/compare/gt.js';
import { lt } from '../../ops/compare/lt.js';
import { unsqueeze } from '../../ops/movement/unsqueeze.js';
import { abs } from '../../ops/unary/abs.js';
import { exp } from '../../ops/unary/exp.js';
import { log } from '../../ops/unary/log.js';
import { square } from '../../ops/unary/square.js';
import { sameShape } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import {
  reduceLoss, requireBroadcastsTo, requireFloatArg, requireNumber, requireSameShape, requireValues, resolveReduction, type LossReduction,
} from './util.js';

export interface LossOptions {
  /** 'none': per-element losses; 'mean' (default): their mean; 'sum': their sum. */
  reduction?: LossReduction;
}

/** Float input and target of the same shape; returns the resolved reduction. */
function pointwise(loss: string, input: Tensor, target: Tensor, reduction: LossReduction | undefined): LossReduction {
  const r = resolveReduction(loss, reduction);
  requireFloatArg(loss, 'input', input);
  requireFloatArg(loss, 'target', target);
  requireSameShape(loss, ['input', input], ['target', target]);
  return r;
}

/** ℓ = (x - y)² (F.mse_loss). */
export function mseLoss(input: Tensor, target: Tensor, opts: LossOptions = {}): Tensor {
  const r = pointwise('mseLoss', input, target, opts.reduction);
  return reduceLoss(square(sub(input, target)), r);
}

/** ℓ = |x - y| (F.l1_loss); the gradient at x = y is 0, as torch's sign(). */
export function l1Loss(input: Tensor, target: Tensor, opts: LossOptions = {}): Tensor {
  const r = pointwise('l1Loss', input, target, opts.reduction);
  return reduceLoss(abs(sub(input, target)), r);
}

/** ℓ = 0.5 d²/β if |d| < β else |d| - 0.5β, with d = x - y (F.smooth_l1_loss); β = 0 is the L1 loss. */
export function smoothL1Loss(input: Tensor, target: Tensor, opts: LossOptions & { beta?: number } = {}): Tensor {
  const beta = opts.beta ?? 1;
  requireNumber('smoothL1Loss', 'beta', beta, (v) => Number.isFinite(v) && v >= 0, 'a finite number >= 0');
  const r = pointwise('smoothL1Loss', input, target, opts.reduction);
  const d = abs(sub(input, target));
  if (beta === 0) return reduceLoss(d, r);
  return reduceLoss(where(lt(d, beta), mul(square(d), 0.5 / beta), sub(d, 0.5 * beta)), r);
}

/** ℓ = 0.5 d² if |d| < δ else δ(|d| - 0.5δ), with d = x - y (F.huber_loss); equals δ·smoothL1 with β = δ. */
export function huberLoss(input: Tensor, target: Tensor, opts: LossOptions & { delta?: number } = {}): Tensor {
  const delta = opts.delta ?? 1;
  requireNumber('huberLoss', 'delta', delta, (v) => Number.isFinite(v) && v > 0, 'a finite number > 0');
  const r = pointwise('huberLoss', input, target, opts.reduction);
  const d = abs(sub(input, target));
  return reduceLoss(where(lt(d, delta), mul(square(d), 0.5), mul(sub(d, 0.5 * delta), delta)), r);
}

export interface PoissonNllOptions extends LossOptions {
  /** input is log λ (default true): ℓ = e^x - y x; else input is λ: ℓ = x - y log(x + eps). */
  logInput?: boolean;
  /** Add the Stirling term y log y - y + 0.5 log(2πy) where y > 1 (default false). */
  full?: boolean;
  /** Keeps log(x + eps) finite at x = 0 when logInput is false (default 1e-8). */
  eps?: number;
}

/** log(t) where t > 0, 0 elsewhere, with no NaN in the gradient (the masked branch sees log 1). */
function safeLog(t: Tensor): Tensor {
  const pos = gt(t, 0);
  return where(pos, log(where(pos, t, 1)), 0);
}

/** Poisson negative log-likelihood of target counts y under rate λ (F.poisson_nll_loss). */
export function poissonNllLoss(input: Tensor, target: Tensor, opts: PoissonNllOptions = {}): Tensor {
  const eps = opts.eps ?? 1e-8;
  requireNumber('poissonNllLoss', 'eps', eps);
  const r = pointwise('poissonNllLoss', input, target, opts.reduction);
  let loss = (opts.logInput ?? true) ? sub(exp(input), mul(target, input)) : sub(input, mul(target, log(add(input, eps))));
  if (opts.full) {
    // Stirling's approximation of log(y!): y log y - y + 0.5 log(2πy), applied where y > 1.
    const stirling = add(sub(mul(target, safeLog(target)), target), mul(safeLog(mul(target, 2 * Math.PI)), 0.5));
    loss = add(loss, where(gt(target, 1), stirling, 0));
  }
  return reduceLoss(loss, r);
}

export interface GaussianNllOptions extends LossOptions {
  /** Add the constant 0.5 log(2π) (default false). */
  full?: boolean;
  /** var is clamped to at least eps for stability (default 1e-6). */
  eps?: number;
}

/**
 * var's shape against input (torch): the same shape, input's shape without the last dim
 * (homoscedastic, unsqueezed), or input's shape with last dim 1.
 */
function varianceFor(loss: string, input: Tensor, variance: Tensor): Tensor {
  const s = input.shape, v = variance.shape;
  if (sameShape(s, v)) return variance;
  if (s.length >= 1 && sameShape(s.slice(0, -1), v)) return unsqueeze(variance, -1);
  if (s.length >= 1 && v.length === s.length && sameShape(s.slice(0, -1), v.slice(0, -1)) && v[v.length - 1] === 1) return variance;
  throw new ShapeError(loss, `var ${fmtShape(v)} does not fit input ${fmtShape(s)}: expected ${fmtShape(s)}, ${fmtShape(s.slice(0, -1))} or ${fmtShape([...s.slice(0, -1), 1])}`);
}

/**
 * ℓ = 0.5 (log max(var, eps) + (x - y)² / max(var, eps)) [+ 0.5 log 2π] (F.gaussian_nll_loss).
 * NOTE: as in torch the clamp happens under no_grad: the gradient w.r.t. var is evaluated at the
 * clamped value and passes the clamp as if it were the identity (straight through).
 */
export function gaussianNllLoss(input: Tensor, target: Tensor, variance: Tensor, opts: GaussianNllOptions = {}): Tensor {
  const loss = 'gaussianNllLoss';
  const eps = opts.eps ?? 1e-6;
  requireNumber(loss, 'eps', eps, (v) => Number.isFinite(v) && v >= 0, 'a finite number >= 0');
  const r = resolveReduction(loss, opts.reduction);
  requireFloatArg(loss, 'input', input);
  requireFloatArg(loss, 'target', target);
  requireFloatArg(loss, 'var', variance);
  requireBroadcastsTo(loss, 'target', target, input.shape, 'input');
  const v0 = varianceFor(loss, input, variance);
  requireValues(loss, 'var', variance, (x) => x >= 0, 'variances must be non-negative');
  const v = add(v0, noGrad(() => sub(clamp(v0, { min: eps }), v0)));
  let out = mul(add(log(v), div(square(sub(input, target)), v)), 0.5);
  if (opts.full) out = add(out, 0.5 * Math.log(2 * Math.PI));
  return reduceLoss(out, r);
}
