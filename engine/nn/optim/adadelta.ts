// Adadelta (torch.optim.Adadelta, its _single_tensor_adadelta). Per parameter:
//   g ← -g if maximize;  g ← g + weightDecay·p
//   v ← rho·v + (1 - rho)·g²
//   Δ = sqrt(u + eps) / sqrt(v + eps) · g
//   u ← rho·u + (1 - rho)·Δ²
//   p ← p - lr·Δ
// Paper: Zeiler, "ADADELTA: an adaptive learning rate method", arXiv:1212.5701 (2012).
import { zerosLike } from '../../creation.js';
import { add } from '../../ops/binary/add.js';
import { div } from '../../ops/binary/div.js';
import { mul } from '../../ops/binary/mul.js';
import { sub } from '../../ops/binary/sub.js';
import { neg } from '../../ops/unary/neg.js';
import { sqrt } from '../../ops/unary/sqrt.js';
import { square } from '../../ops/unary/square.js';
import type { Tensor } from '../../tensor.js';
import { Optimizer, checkNonNegative, checkUnitInterval, putState, type OptimizerParams, type ParamState } from './optimizer.js';

export interface AdadeltaOptions {
  lr: number;
  /** Decay of the running averages of g² and Δ². */
  rho: number;
  eps: number;
  weightDecay: number;
  maximize: boolean;
}

const DEFAULTS: AdadeltaOptions = { lr: 1.0, rho: 0.9, eps: 1e-6, weightDecay: 0, maximize: false };

function checkAdadelta(name: string, o: AdadeltaOptions): void {
  checkNonNegative(name, 'lr', o.lr);
  checkUnitInterval(name, 'rho', o.rho, true);
  checkNonNegative(name, 'eps', o.eps);
  checkNonNegative(name, 'weightDecay', o.weightDecay);
}

export class Adadelta extends Optimizer<AdadeltaOptions> {
  constructor(params: OptimizerParams<AdadeltaOptions>, options: Partial<AdadeltaOptions> = {}) {
    super('Adadelta', params, { ...DEFAULTS, ...options }, checkAdadelta);
  }

  protected update(p: Tensor, grad: Tensor, o: Readonly<AdadeltaOptions>, s: ParamState): void {
    const v = s.tensors.squareAvg ?? putState(s, 'squareAvg', zerosLike(p));
    const u = s.tensors.accDelta ?? putState(s, 'accDelta', zerosLike(p));
    let g = o.maximize ? neg(grad) : grad;
    if (o.weightDecay !== 0) g = add(g, mul(p, o.weightDecay));
    v.assign(add(mul(v, o.rho), mul(square(g), 1 - o.rho)));
    const delta = mul(div(sqrt(add(u, o.eps)), sqrt(add(v, o.eps))), g);
    u.assign(add(mul(u, o.rho), mul(square(delta), 1 - o.rho)));
    p.assign(sub(p, mul(delta, o.lr)));
  }
}
