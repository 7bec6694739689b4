// Resilient backpropagation (torch.optim.Rprop, its _single_tensor_rprop). Per element, with
// g the gradient, prev the previous step's (masked) gradient and η the step size:
//   g ← -g if maximize
//   f = etaplus if g·prev > 0, etaminus if g·prev < 0, 1 if g·prev = 0
//   η ← clamp(η·f, stepSizes[0], stepSizes[1])         (η starts at lr, the group's lr at the first step)
//   g ← 0 where f = etaminus                            (no move after a sign change)
//   p ← p - sign(g)·η;  prev ← g
// Paper: Riedmiller & Braun, "A direct adaptive method for faster backpropagation learning: the RPROP algorithm", ICNN 1993.
import { fullLike, zerosLike } from '../../creation.js';
import { ValueError } from '../../errors.js';
import { clamp } from '../../ops/binary/clamp.js';
import { mul } from '../../ops/binary/mul.js';
import { sub } from '../../ops/binary/sub.js';
import { where } from '../../ops/binary/where.js';
import { eq } from '../../ops/compare/eq.js';
import { gt } from '../../ops/compare/gt.js';
import { lt } from '../../ops/compare/lt.js';
import { neg } from '../../ops/unary/neg.js';
import { sign } from '../../ops/unary/sign.js';
import type { Tensor } from '../../tensor.js';
import { Optimizer, checkNonNegative, putState, type OptimizerParams, type ParamState } from './optimizer.js';

export interface RpropOptions {
  lr: number;
  /** (etaminus, etaplus): step-size factors after a sign change / no change; 0 < etaminus < 1 < etaplus. */
  etas: [number, number];
  /** (min, max) allowed step size. */
  stepSizes: [number, number];
  maximize: boolean;
}

const DEFAULTS: RpropOptions = { lr: 1e-2, etas: [0.5, 1.2], stepSizes: [1e-6, 50], maximize: false };

function checkRprop(name: string, o: RpropOptions): void {
  checkNonNegative(name, 'lr', o.lr);
  const [minus, plus] = o.etas ?? [];
  if (!(typeof minus === 'number' && typeof plus === 'number' && minus > 0 && minus < 1 && plus > 1)) {
    throw new ValueError(name, `etas ${JSON.stringify(o.etas)} must satisfy 0 < etaminus < 1 < etaplus`);
  }
  const [lo, hi] = o.stepSizes ?? [];
  if (!(typeof lo === 'number' && typeof hi === 'number' && lo >= 0 && hi >= lo)) {
    throw new ValueError(name, `stepSizes ${JSON.stringify(o.stepSizes)} must satisfy 0 <= min <= max`);
  }
}

export class Rprop extends Optimizer<RpropOptions> {
  constructor(params: OptimizerParams<RpropOptions>, options: Partial<RpropOptions> = {}) {
    super('Rprop', params, { ...DEFAULTS, ...options }, checkRprop);
  }

  protected update(p: Tensor, grad: Tensor, o: Readonly<RpropOptions>, s: ParamState): void {
    const [etaminus, etaplus] = o.etas;
    const prev = s.tensors.prev ?? putState(s, 'prev', zerosLike(p));
    const stepSize = s.tensors.stepSize ?? putState(s, 'stepSize', fullLike(p, o.lr));
    const g = o.maximize ? neg(grad) : grad;
    const dir = sign(mul(g, prev));
    const factor = where(gt(dir, 0), etaplus, where(lt(dir, 0), etaminus, fullLike(p, 1)));
    stepSize.assign(clamp(mul(stepSize, factor), { min: o.stepSizes[0], max: o.stepSizes[1] }));
    const masked = where(eq(factor, etaminus), 0, g);
    p.assign(sub(p, mul(sign(masked), stepSize)));
    prev.assign(masked);
  }
}
