// Dropout (torch.nn.Dropout): in training, zero each element with probability p and scale the
// rest by 1/(1 - p); identity in eval. Masks come from the engine's counter-based RNG through a
// Generator the layer holds, so a given seed reproduces the same masks on every backend.
import { ValueError } from '../../errors.js';
import { dropoutWith } from '../../ops/nn/dropout.js';
import type { Generator } from '../../rng.js';
import type { Tensor } from '../../tensor.js';
import { Module } from '../module.js';
import { layerGen } from './layer-options.js';

export class Dropout extends Module {
  /** Each call reserves x.size words of this generator's stream. */
  readonly gen: Generator;

  constructor(readonly p = 0.5, opts: { gen?: Generator } = {}) {
    super();
    if (!(p >= 0 && p <= 1)) throw new ValueError('Dropout', `p ${p} must lie in [0, 1]`);
    this.gen = layerGen(opts);
  }

  forward(x: Tensor): Tensor {
    return dropoutWith(x, this.p, this.gen, this.training);
  }
}
