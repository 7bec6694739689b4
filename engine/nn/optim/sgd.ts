// Stochastic gradient descent with momentum, dampening, Nesterov momentum and L2 weight decay
// (torch.optim.SGD, its _single_tensor_sgd). Per parameter, with g its gradient:
//   g ← -g if maximize;  g ← g + weightDecay·p
//   if momentum ≠ 0:  b ← g on the first step, else b ← momentum·b + (1 - dampening)·g
//                     g ← g + momentum·b if nesterov, else g ← b
//   p ← p - lr·g
// Paper (Nesterov form): Sutskever et al., "On the importance of initialization and momentum in deep learning", ICML 2013.
import { ValueError } from '../../errors.js';
import { sgdStep } from '../../ops/optim/sgd_step.js';
import type { Tensor } from '../../tensor.js';
import { Optimizer, checkNonNegative, putState, type OptimizerParams, type ParamState } from './optimizer.js';

export interface SGDOptions {
  /** Learning rate (default 1e-3, torch >= 2.0; torch 1.x required it). */
  lr: number;
  momentum: number;
  dampening: number;
  nesterov: boolean;
  weightDecay: number;
  maximize: boolean;
}

const DEFAULTS: SGDOptions = { lr: 1e-3, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, maximize: false };

function checkSGD(name: string, o: SGDOptions): void {
  checkNonNegative(name, 'lr', o.lr);
  checkNonNegative(name, 'momentum', o.momentum);
  checkNonNegative(name, 'weightDecay', o.weightDecay);
  if (typeof o.dampening !== 'number' || !Number.isFinite(o.dampening)) throw new ValueError(name, `dampening ${o.dampening} must be a finite number`);
  if (o.nesterov && (o.momentum <= 0 || o.dampening !== 0)) {
    throw new ValueError(name, `nesterov needs momentum > 0 and dampening 0 (got momentum ${o.momentum}, dampening ${o.dampening})`);
  }
}

export class SGD extends Optimizer<SGDOptions> {
  constructor(params: OptimizerParams<SGDOptions>, options: Partial<SGDOptions> = {}) {
    super('SGD', params, { ...DEFAULTS, ...options }, checkSGD);
  }

  // One fused sgd_step per parameter (engine/ops/optim/sgd_step.ts holds the math).
  protected update(p: Tensor, grad: Tensor, o: Readonly<SGDOptions>, s: ParamState): void {
    const prev = o.momentum !== 0 ? s.tensors.momentumBuffer : undefined;
    const { momentum, dampening, weightDecay, nesterov, maximize } = o;
    const next = sgdStep(p, grad, prev ?? null, { lr: o.lr, momentum, dampening, weightDecay, nesterov, maximize, first: !prev });
    p.assign(next.p);
    if (next.buf) {
      if (prev) prev.assign(next.buf);
      else putState(s, 'momentumBuffer', next.buf);
    }
  }
}
