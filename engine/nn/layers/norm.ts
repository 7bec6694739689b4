// Normalization layers over one example's features: LayerNorm, RMSNorm, GroupNorm (torch.nn).
// Affine parameters start at weight = 1, bias = 0. Batch statistics: batch-norm.ts.
import { ones, zeros } from '../../creation.js';
import { ValueError } from '../../errors.js';
import { groupNorm } from '../../ops/nn/group_norm.js';
import { layerNorm } from '../../ops/nn/layer_norm.js';
import { rmsNorm } from '../../ops/nn/rms_norm.js';
import type { Tensor } from '../../tensor.js';
import { Module } from '../module.js';
import { checkCount, createOptions, type LayerOptions } from './layer-options.js';

export type NormLayerOptions = Omit<LayerOptions, 'gen'>;

function normalizedShapeOf(layer: string, s: number | readonly number[]): number[] {
  const shape = typeof s === 'number' ? [s] : [...s];
  shape.forEach((d, i) => checkCount(layer, `normalizedShape[${i}]`, d));
  return shape;
}

export class LayerNorm extends Module {
  readonly normalizedShape: readonly number[];
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;
  readonly eps: number;

  /** Normalizes over the trailing dims `normalizedShape`: (x - mean) / sqrt(var + eps) · weight + bias (biased var). */
  constructor(normalizedShape: number | readonly number[], opts: NormLayerOptions & { eps?: number; elementwiseAffine?: boolean; bias?: boolean } = {}) {
    super();
    this.normalizedShape = normalizedShapeOf('LayerNorm', normalizedShape);
    this.eps = opts.eps ?? 1e-5;
    const affine = opts.elementwiseAffine ?? true;
    this.weight = affine ? this.param('weight', ones(this.normalizedShape, createOptions(opts))) : null;
    this.bias = affine && (opts.bias ?? true) ? this.param('bias', zeros(this.normalizedShape, createOptions(opts))) : null;
  }

  forward(x: Tensor): Tensor {
    return layerNorm(x, [...this.normalizedShape], this.weight, this.bias, this.eps);
  }
}

export class RMSNorm extends Module {
  readonly normalizedShape: readonly number[];
  readonly weight: Tensor | null;
  /** undefined: the op's default, torch's finfo(dtype).eps. */
  readonly eps: number | undefined;

  /** x / sqrt(mean(x², trailing dims) + eps) · weight (torch.nn.RMSNorm). */
  constructor(normalizedShape: number | readonly number[], opts: NormLayerOptions & { eps?: number; elementwiseAffine?: boolean } = {}) {
    super();
    this.normalizedShape = normalizedShapeOf('RMSNorm', normalizedShape);
    this.eps = opts.eps;
    this.weight = (opts.elementwiseAffine ?? true) ? this.param('weight', ones(this.normalizedShape, createOptions(opts))) : null;
  }

  forward(x: Tensor): Tensor {
    return rmsNorm(x, [...this.normalizedShape], this.weight, this.eps);
  }
}

export class GroupNorm extends Module {
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;
  readonly eps: number;

  /** Normalizes each of numGroups channel groups of x (N, C, ...) over its channels and positions. */
  constructor(readonly numGroups: number, readonly numChannels: number, opts: NormLayerOptions & { eps?: number; affine?: boolean } = {}) {
    super();
    checkCount('GroupNorm', 'numGroups', numGroups, 1);
    checkCount('GroupNorm', 'numChannels', numChannels);
    if (numChannels % numGroups !== 0) throw new ValueError('GroupNorm', `numChannels ${numChannels} must be divisible by numGroups ${numGroups}`);
    this.eps = opts.eps ?? 1e-5;
    const affine = opts.affine ?? true;
    this.weight = affine ? this.param('weight', ones([numChannels], createOptions(opts))) : null;
    this.bias = affine ? this.param('bias', zeros([numChannels], createOptions(opts))) : null;
  }

  forward(x: Tensor): Tensor {
    return groupNorm(x, this.numGroups, this.weight, this.bias, this.eps);
  }
}
