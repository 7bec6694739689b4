// Linear: y = x Wᵀ + b (torch.nn.Linear). x (..., inFeatures) -> y (..., outFeatures).
import { ShapeError, fmtShape } from '../../errors.js';
import { add } from '../../ops/binary/add.js';
import { matmul } from '../../ops/linalg/matmul.js';
import type { Tensor } from '../../tensor.js';
import { Module } from '../module.js';
import { checkCount, fanInBound, initUniform, type LayerOptions } from './layer-options.js';

export interface LinearOptions extends LayerOptions {
  /** Learn an additive bias (default true). */
  bias?: boolean;
}

export class Linear extends Module {
  /** (outFeatures, inFeatures), U(-1/sqrt(in), 1/sqrt(in)). */
  readonly weight: Tensor;
  /** (outFeatures), same distribution; null with bias: false. */
  readonly bias: Tensor | null;

  constructor(readonly inFeatures: number, readonly outFeatures: number, opts: LinearOptions = {}) {
    super();
    checkCount('Linear', 'inFeatures', inFeatures);
    checkCount('Linear', 'outFeatures', outFeatures);
    const bound = fanInBound(inFeatures);
    this.weight = this.param('weight', initUniform([outFeatures, inFeatures], bound, opts));
    this.bias = (opts.bias ?? true) ? this.param('bias', initUniform([outFeatures], bound, opts)) : null;
  }

  forward(x: Tensor): Tensor {
    if (x.rank === 0 || x.shape[x.rank - 1] !== this.inFeatures) {
      throw new ShapeError('Linear', `x ${fmtShape(x.shape)}: the last dimension must be inFeatures = ${this.inFeatures}`);
    }
    const y = matmul(x, this.weight, { transB: true }); // (..., out)
    return this.bias ? add(y, this.bias) : y;
  }
}
