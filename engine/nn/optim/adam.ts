// Adam with optional AMSGrad (torch.optim.Adam, its _single_tensor_adam). Per parameter, at step t:
//   g ← -g if maximize;  g ← g + weightDecay·p          (L2 penalty folded into the gradient)
//   m ← β1·m + (1 - β1)·g;   v ← β2·v + (1 - β2)·g²
//   amsgrad: v̂ ← max(v̂, v), else v̂ = v
//   p ← p - (lr / (1 - β1^t)) · m / (sqrt(v̂) / sqrt(1 - β2^t) + eps)
// Paper: Kingma & Ba, "Adam: a method for stochastic optimization", ICLR 2015;
// AMSGrad: Reddi, Kale & Kumar, "On the convergence of Adam and beyond", ICLR 2018.
import { zerosLike } from '../../creation.js';
import { add } from '../../ops/binary/add.js';
import { div } from '../../ops/binary/div.js';
import { maximum } from '../../ops/binary/maximum.js';
import { mul } from '../../ops/binary/mul.js';
import { sub } from '../../ops/binary/sub.js';
import { neg } from '../../ops/unary/neg.js';
import { sqrt } from '../../ops/unary/sqrt.js';
import { square } from '../../ops/unary/square.js';
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
 * The Adam step shared with AdamW, after any weight decay: updates m, v (and v̂) in `s` and
 * returns the new parameter value. `g` is the (possibly negated / decayed) gradient.
 */
export function adamStep(p: Tensor, g: Tensor, o: Readonly<AdamOptions>, s: ParamState): Tensor {
  const [b1, b2] = o.betas;
  const m = s.tensors.expAvg ?? putState(s, 'expAvg', zerosLike(p));
  const v = s.tensors.expAvgSq ?? putState(s, 'expAvgSq', zerosLike(p));
  m.assign(add(mul(m, b1), mul(g, 1 - b1)));
  v.assign(add(mul(v, b2), mul(square(g), 1 - b2)));
  let vHat = v;
  if (o.amsgrad) {
    const vMax = s.tensors.maxExpAvgSq ?? putState(s, 'maxExpAvgSq', zerosLike(p));
    vHat = vMax.assign(maximum(vMax, v));
  }
  const stepSize = o.lr / (1 - b1 ** s.step);
  const denom = add(div(sqrt(vHat), Math.sqrt(1 - b2 ** s.step)), o.eps);
  return sub(p, mul(div(m, denom), stepSize));
}

export class Adam extends Optimizer<AdamOptions> {
  constructor(params: OptimizerParams<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super('Adam', params, { ...DEFAULTS, ...options }, checkAdamOptions);
  }

  protected update(p: Tensor, grad: Tensor, o: Readonly<AdamOptions>, s: ParamState): void {
    let g = o.maximize ? neg(grad) : grad;
    if (o.weightDecay !== 0) g = add(g, mul(p, o.weightDecay));
    p.assign(adamStep(p, g, o, s));
  }
}
