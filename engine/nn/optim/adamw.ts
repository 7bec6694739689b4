// AdamW: Adam with decoupled weight decay (torch.optim.AdamW, its _single_tensor_adamw):
//   g ← -g if maximize
//   p ← p·(1 - lr·weightDecay)                             (decay applied to the weights, not the gradient)
//   then Adam's moment updates and step on the decayed p (amsgrad as in Adam)
// Paper: Loshchilov & Hutter, "Decoupled weight decay regularization", ICLR 2019.
import type { Tensor } from '../../tensor.js';
import { adamUpdate, checkAdamOptions, type AdamOptions } from './adam.js';
import { Optimizer, type OptimizerParams, type ParamState } from './optimizer.js';

export type AdamWOptions = AdamOptions;

const DEFAULTS: AdamWOptions = { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 1e-2, amsgrad: false, maximize: false };

export class AdamW extends Optimizer<AdamWOptions> {
  constructor(params: OptimizerParams<AdamWOptions>, options: Partial<AdamWOptions> = {}) {
    super('AdamW', params, { ...DEFAULTS, ...options }, checkAdamOptions);
  }

  protected update(p: Tensor, grad: Tensor, o: Readonly<AdamWOptions>, s: ParamState): void {
    adamUpdate(p, grad, o, s, true);
  }
}
