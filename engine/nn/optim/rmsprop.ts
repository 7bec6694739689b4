// RMSprop (torch.optim.RMSprop, its _single_tensor_rmsprop). Per parameter:
//   g ← -g if maximize;  g ← g + weightDecay·p
//   v ← alpha·v + (1 - alpha)·g²
//   centered:  ḡ ← alpha·ḡ + (1 - alpha)·g;  d = sqrt(v - ḡ²) + eps;   else d = sqrt(v) + eps
//   momentum > 0:  b ← momentum·b + g/d;  p ← p - lr·b;   else p ← p - lr·g/d
// Reference: Hinton, Neural Networks for Machine Learning, lecture 6e (2012); centered form: Graves, arXiv:1308.0850.
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

export interface RMSpropOptions {
  lr: number;
  /** Smoothing constant of the squared-gradient average. */
  alpha: number;
  eps: number;
  weightDecay: number;
  momentum: number;
  /** Normalize by an estimate of the gradient's variance instead of its second moment. */
  centered: boolean;
  maximize: boolean;
}

const DEFAULTS: RMSpropOptions = { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false };

function checkRMSprop(name: string, o: RMSpropOptions): void {
  checkNonNegative(name, 'lr', o.lr);
  checkNonNegative(name, 'eps', o.eps);
  checkNonNegative(name, 'momentum', o.momentum);
  checkNonNegative(name, 'weightDecay', o.weightDecay);
  checkUnitInterval(name, 'alpha', o.alpha, true);
}

export class RMSprop extends Optimizer<RMSpropOptions> {
  constructor(params: OptimizerParams<RMSpropOptions>, options: Partial<RMSpropOptions> = {}) {
    super('RMSprop', params, { ...DEFAULTS, ...options }, checkRMSprop);
  }

  protected update(p: Tensor, grad: Tensor, o: Readonly<RMSpropOptions>, s: ParamState): void {
    let g = o.maximize ? neg(grad) : grad;
    if (o.weightDecay !== 0) g = add(g, mul(p, o.weightDecay));
    const sq = s.tensors.squareAvg ?? putState(s, 'squareAvg', zerosLike(p));
    sq.assign(add(mul(sq, o.alpha), mul(square(g), 1 - o.alpha)));
    let avg: Tensor;
    if (o.centered) {
      const ga = s.tensors.gradAvg ?? putState(s, 'gradAvg', zerosLike(p));
      ga.assign(add(mul(ga, o.alpha), mul(g, 1 - o.alpha)));
      avg = sqrt(sub(sq, square(ga)));
    } else {
      avg = sqrt(sq);
    }
    avg = add(avg, o.eps);
    if (o.momentum > 0) {
      const buf = s.tensors.momentumBuffer ?? putState(s, 'momentumBuffer', zerosLike(p));
      buf.assign(add(mul(buf, o.momentum), div(g, avg)));
      p.assign(sub(p, mul(buf, o.lr)));
    } else {
      p.assign(sub(p, mul(div(g, avg), o.lr)));
    }
  }
}
