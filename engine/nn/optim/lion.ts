// Lion, EvoLved Sign Momentum (Chen et al., "Symbolic discovery of optimization algorithms",
// NeurIPS 2023, Algorithm 2; the update of the authors' lion-pytorch). Per parameter:
//   g ← -g if maximize                                      (an extension: the paper has no maximize)
//   p ← p·(1 - lr·weightDecay)
//   c = β1·m + (1 - β1)·g;   p ← p - lr·sign(c)
//   m ← β2·m + (1 - β2)·g
// NOTE: sign(0) = 0, so an element whose interpolation c is exactly 0 does not move.
import { zerosLike } from '../../creation.js';
import { add } from '../../ops/binary/add.js';
import { mul } from '../../ops/binary/mul.js';
import { sub } from '../../ops/binary/sub.js';
import { neg } from '../../ops/unary/neg.js';
import { sign } from '../../ops/unary/sign.js';
import type { Tensor } from '../../tensor.js';
import { Optimizer, checkBetas, checkNonNegative, putState, type OptimizerParams, type ParamState } from './optimizer.js';

export interface LionOptions {
  /** Learning rate (default 1e-4; typically 3-10x smaller than AdamW's). */
  lr: number;
  /** (β1, β2): interpolation for the update direction, decay of the momentum. */
  betas: [number, number];
  /** Decoupled weight decay (typically 3-10x larger than AdamW's). */
  weightDecay: number;
  maximize: boolean;
}

const DEFAULTS: LionOptions = { lr: 1e-4, betas: [0.9, 0.99], weightDecay: 0, maximize: false };

function checkLion(name: string, o: LionOptions): void {
  checkNonNegative(name, 'lr', o.lr);
  checkNonNegative(name, 'weightDecay', o.weightDecay);
  checkBetas(name, o.betas);
}

export class Lion extends Optimizer<LionOptions> {
  constructor(params: OptimizerParams<LionOptions>, options: Partial<LionOptions> = {}) {
    super('Lion', params, { ...DEFAULTS, ...options }, checkLion);
  }

  protected update(p: Tensor, grad: Tensor, o: Readonly<LionOptions>, s: ParamState): void {
    const [b1, b2] = o.betas;
    const m = s.tensors.expAvg ?? putState(s, 'expAvg', zerosLike(p));
    const g = o.maximize ? neg(grad) : grad;
    const decayed = o.weightDecay !== 0 ? mul(p, 1 - o.lr * o.weightDecay) : p;
    const c = add(mul(m, b1), mul(g, 1 - b1));
    p.assign(sub(decayed, mul(sign(c), o.lr)));
    m.assign(add(mul(m, b2), mul(g, 1 - b2)));
  }
}
