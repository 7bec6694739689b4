// Adagrad (torch.optim.Adagrad, its _single_tensor_adagrad; dense gradients). Per parameter, at
// step t (1-based):
//   g ← -g if maximize;  g ← g + weightDecay·p
//   clr = lr / (1 + (t - 1)·lrDecay)
//   S ← S + g²              (S starts at initialAccumulatorValue)
//   p ← p - clr·g / (sqrt(S) + eps)
// Paper: Duchi, Hazan & Singer, "Adaptive subgradient methods for online learning and stochastic optimization", JMLR 2011.
import { fullLike } from '../../creation.js';
import { add } from '../../ops/binary/add.js';
import { div } from '../../ops/binary/div.js';
import { mul } from '../../ops/binary/mul.js';
import { sub } from '../../ops/binary/sub.js';
import { neg } from '../../ops/unary/neg.js';
import { sqrt } from '../../ops/unary/sqrt.js';
import { square } from '../../ops/unary/square.js';
import type { Tensor } from '../../tensor.js';
import { Optimizer, checkNonNegative, putState, type OptimizerParams, type ParamState } from './optimizer.js';

export interface AdagradOptions {
  lr: number;
  lrDecay: number;
  weightDecay: number;
  initialAccumulatorValue: number;
  eps: number;
  maximize: boolean;
}

const DEFAULTS: AdagradOptions = { lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10, maximize: false };

function checkAdagrad(name: string, o: AdagradOptions): void {
  checkNonNegative(name, 'lr', o.lr);
  checkNonNegative(name, 'lrDecay', o.lrDecay);
  checkNonNegative(name, 'weightDecay', o.weightDecay);
  checkNonNegative(name, 'initialAccumulatorValue', o.initialAccumulatorValue);
  checkNonNegative(name, 'eps', o.eps);
}

export class Adagrad extends Optimizer<AdagradOptions> {
  constructor(params: OptimizerParams<AdagradOptions>, options: Partial<AdagradOptions> = {}) {
    super('Adagrad', params, { ...DEFAULTS, ...options }, checkAdagrad);
  }

  protected update(p: Tensor, grad: Tensor, o: Readonly<AdagradOptions>, s: ParamState): void {
    // NOTE: torch creates `sum` in the constructor; here it appears at the first step, same values.
    const sum = s.tensors.sum ?? putState(s, 'sum', fullLike(p, o.initialAccumulatorValue));
    let g = o.maximize ? neg(grad) : grad;
    if (o.weightDecay !== 0) g = add(g, mul(p, o.weightDecay));
    const clr = o.lr / (1 + (s.step - 1) * o.lrDecay);
    sum.assign(add(sum, square(g)));
    p.assign(sub(p, mul(div(g, add(sqrt(sum), o.eps)), clr)));
  }
}
