// Linear: y = act(x Wᵀ + b) (torch.nn.Linear, optionally followed by an activation that the linear
// op fuses into its GEMM's epilogue). x (..., inFeatures) -> y (..., outFeatures).
import { ShapeError, ValueError, fmtShape } from '../../errors.js';
import { LINEAR_ACTIVATIONS, linear, type LinearActivation } from '../../ops/linalg/linear.js';
import type { Tensor } from '../../tensor.js';
import { Module } from '../module.js';
import { checkCount, fanInBound, initUniform, type LayerOptions } from './layer-options.js';

export interface LinearOptions extends LayerOptions {
  /** Learn an additive bias (default true). */
  bias?: boolean;
  /** Activation applied to x Wᵀ + b, fused into the product (default 'none'). */
  activation?: LinearActivation;
}

export class Linear extends Module {
  /** (outFeatures, inFeatures), U(-1/sqrt(in), 1/sqrt(in)). */
  readonly weight: Tensor;
  /** (outFeatures), same distribution; null with bias: false. */
  readonly bias: Tensor | null;
  readonly activation: LinearActivation;

  constructor(readonly inFeatures: number, readonly outFeatures: number, opts: LinearOptions = {}) {
    super();
    checkCount('Linear', 'inFeatures', inFeatures);
    checkCount('Linear', 'outFeatures', outFeatures);
    const bound = fanInBound(inFeatures);
    this.weight = this.param('weight', initUniform([outFeatures, inFeatures], bound, opts));
    this.bias = (opts.bias ?? true) ? this.param('bias', initUniform([outFeatures], bound, opts)) : null;
    this.activation = opts.activation ?? 'none';
    if (!LINEAR_ACTIVATIONS.includes(this.activation)) throw new ValueError('Linear', `activation '${String(this.activation)}' must be one of ${LINEAR_ACTIVATIONS.join(', ')}`);
  }

  /** y = act(x Wᵀ + b) (+ residual, added after the activation, when given: (..., outFeatures)). */
  forward(x: Tensor, residual: Tensor | null = null): Tensor {
    if (x.rank === 0 || x.shape[x.rank - 1] !== this.inFeatures) {
      throw new ShapeError('Linear', `x ${fmtShape(x.shape)}: the last dimension must be inFeatures = ${this.inFeatures}`);
    }
    return linear(x, this.weight, this.bias, { activation: this.activation, residual });
  }
}
