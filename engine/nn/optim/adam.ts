// Adam with optional AMSGrad (torch.optim.Adam, its _single_tensor_adam). Per parameter, at step t:
//   g ← -g if maximize;  g ← g + weightDecay·p          (L2 penalty folded into the gradient)
//   m ← β1·m + (1 - β1)·g;   v ← β2·v + (1 - β2)·g²
//   amsgrad: v̂ ← max(v̂, v), else v̂ = v
//   p ← p - (lr / (1 - β1^t)) · m / (sqrt(v̂) / sqrt(1 - β2^t) + eps)
// Paper: Kingma & Ba, "Adam: a method for stochastic optimization", ICLR 2015;
// AMSGrad: Reddi, Kale & Kumar, "On the convergence of Adam and beyond", ICLR 2018.
import { zerosLike } from '../../creation.js';
import { adamStep } from '../../ops/optim/adam_step.js';
import type { Tensor } from '../../tensor.js';
import { Optimizer, checkBetas, checkNonNegative, putState, type OptimizerParams, type ParamState } from './optimizer.js';

export interface AdamOptions {
  lr: number;
  /** (β1, β2): decay of the first and second moment averages. */
  betas: [number, number];
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  maximize: boolean;
}

const DEFAULTS: AdamOptions = { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false };

export function checkAdamOptions(name: string, o: AdamOptions): void {
  checkNonNegative(name, 'lr', o.lr);
  checkNonNegative(name, 'eps', o.eps);
  checkNonNegative(name, 'weightDecay', o.weightDecay);
  checkBetas(name, o.betas);
}

/**
 * One fused adam_step (engine/ops/optim/adam_step.ts holds the math) for Adam and AdamW: creates
 * the moments at zero on the first update, writes p, m, v (and v̂) back with assign.
 */
export function adamUpdate(p: Tensor, grad: Tensor, o: Readonly<AdamOptions>, s: ParamState, decoupled: boolean): void {
  const m = s.tensors.expAvg ?? putState(s, 'expAvg', zerosLike(p));
  const v = s.tensors.expAvgSq ?? putState(s, 'expAvgSq', zerosLike(p));
  const vMax = o.amsgrad ? (s.tensors.maxExpAvgSq ?? putState(s, 'maxExpAvgSq', zerosLike(p))) : null;
  const [beta1, beta2] = o.betas;
  const { lr, eps, weightDecay, amsgrad, maximize } = o;
  const next = adamStep(p, grad, m, v, vMax, { lr, beta1, beta2, eps, weightDecay, decoupled, amsgrad, maximize, step: s.step });
  p.assign(next.p);
  m.assign(next.m);
  v.assign(next.v);
  if (vMax) vMax.assign(next.vMax!);
}

export class Adam extends Optimizer<AdamOptions> {
  constructor(params: OptimizerParams<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super('Adam', params, { ...DEFAULTS, ...options }, checkAdamOptions);
  }

  protected update(p: Tensor, grad: Tensor, o: Readonly<AdamOptions>, s: ParamState): void {
    adamUpdate(p, grad, o, s, false);
  }
}
