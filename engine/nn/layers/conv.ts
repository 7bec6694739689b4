// Convolution layers (torch.nn.Conv1d, Conv2d, ConvTranspose2d) over the conv ops.
// Weights: Conv (out, in/groups, *kernel); ConvTranspose (in, out/groups, *kernel). Init as torch:
// U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weight and bias, fan_in = weight.shape[1] * kernel size.
// NOTE: for ConvTranspose2d that fan_in is (out/groups)·kh·kw, because torch computes it from the
// transposed weight layout.
import { ValueError } from '../../errors.js';
import { conv1d } from '../../ops/nn/conv1d.js';
import { conv2d } from '../../ops/nn/conv2d.js';
import { convTranspose2d } from '../../ops/nn/conv_transpose2d.js';
import type { Tensor } from '../../tensor.js';
import { Module } from '../module.js';
import { checkCount, checkPair, fanInBound, initUniform, type LayerOptions } from './layer-options.js';

type Pair = number | [number, number];
type Padding<P> = P | 'same' | 'valid';

export interface Conv1dOptions extends LayerOptions {
  stride?: number;
  padding?: Padding<number>;
  dilation?: number;
  groups?: number;
  bias?: boolean;
}

export interface Conv2dOptions extends LayerOptions {
  stride?: Pair;
  padding?: Padding<Pair>;
  dilation?: Pair;
  groups?: number;
  bias?: boolean;
}

export interface ConvTranspose2dOptions extends LayerOptions {
  stride?: Pair;
  padding?: Pair;
  outputPadding?: Pair;
  dilation?: Pair;
  groups?: number;
  bias?: boolean;
}

/** torch refuses padding 'same' with a stride at construction; so do we. */
function checkSamePadding(layer: string, padding: unknown, stride: Pair | undefined): void {
  const strided = stride !== undefined && (typeof stride === 'number' ? stride !== 1 : stride.some((s) => s !== 1));
  if (padding === 'same' && strided) throw new ValueError(layer, `padding 'same' needs stride 1, got stride ${JSON.stringify(stride)}`);
}

/** Validates channels against groups; returns [weight, bias] drawn as torch does. */
function convParams(
  layer: string, inC: number, outC: number, groups: number, wShape: number[], fanIn: number, bias: boolean, opts: LayerOptions,
): [Tensor, Tensor | null] {
  checkCount(layer, 'inChannels', inC);
  checkCount(layer, 'outChannels', outC);
  checkCount(layer, 'groups', groups, 1);
  if (inC % groups !== 0 || outC % groups !== 0) {
    throw new ValueError(layer, `inChannels ${inC} and outChannels ${outC} must both be divisible by groups ${groups}`);
  }
  const bound = fanInBound(fanIn);
  return [initUniform(wShape, bound, opts), bias ? initUniform([outC], bound, opts) : null];
}

export class Conv1d extends Module {
  /** (out, in/groups, k). */
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  readonly attrs: { stride: number; padding: Padding<number>; dilation: number; groups: number };

  constructor(readonly inChannels: number, readonly outChannels: number, readonly kernelSize: number, opts: Conv1dOptions = {}) {
    super();
    checkCount('Conv1d', 'kernelSize', kernelSize, 1);
    checkSamePadding('Conv1d', opts.padding, opts.stride);
    const groups = opts.groups ?? 1;
    const [w, b] = convParams('Conv1d', inChannels, outChannels, groups, [outChannels, inChannels / groups, kernelSize], (inChannels / groups) * kernelSize, opts.bias ?? true, opts);
    this.weight = this.param('weight', w);
    this.bias = b && this.param('bias', b);
    this.attrs = { stride: opts.stride ?? 1, padding: opts.padding ?? 0, dilation: opts.dilation ?? 1, groups };
  }

  /** x (N, inChannels, L) -> (N, outChannels, Lout). */
  forward(x: Tensor): Tensor {
    return conv1d(x, this.weight, this.bias, this.attrs);
  }
}

export class Conv2d extends Module {
  /** (out, in/groups, kh, kw). */
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  readonly attrs: { stride: Pair; padding: Padding<Pair>; dilation: Pair; groups: number };
  readonly kernelSize: [number, number];

  constructor(readonly inChannels: number, readonly outChannels: number, kernelSize: Pair, opts: Conv2dOptions = {}) {
    super();
    const [kh, kw] = (this.kernelSize = checkPair('Conv2d', 'kernelSize', kernelSize, 1));
    checkSamePadding('Conv2d', opts.padding, opts.stride);
    const groups = opts.groups ?? 1;
    const [w, b] = convParams('Conv2d', inChannels, outChannels, groups, [outChannels, inChannels / groups, kh, kw], (inChannels / groups) * kh * kw, opts.bias ?? true, opts);
    this.weight = this.param('weight', w);
    this.bias = b && this.param('bias', b);
    this.attrs = { stride: opts.stride ?? 1, padding: opts.padding ?? 0, dilation: opts.dilation ?? 1, groups };
  }

  /** x (N, inChannels, H, W) -> (N, outChannels, Hout, Wout). */
  forward(x: Tensor): Tensor {
    return conv2d(x, this.weight, this.bias, this.attrs);
  }
}

export class ConvTranspose2d extends Module {
  /** (in, out/groups, kh, kw). */
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  readonly attrs: { stride: Pair; padding: Pair; outputPadding: Pair; dilation: Pair; groups: number };
  readonly kernelSize: [number, number];

  constructor(readonly inChannels: number, readonly outChannels: number, kernelSize: Pair, opts: ConvTranspose2dOptions = {}) {
    super();
    const [kh, kw] = (this.kernelSize = checkPair('ConvTranspose2d', 'kernelSize', kernelSize, 1));
    const groups = opts.groups ?? 1;
    const [w, b] = convParams('ConvTranspose2d', inChannels, outChannels, groups, [inChannels, outChannels / groups, kh, kw], (outChannels / groups) * kh * kw, opts.bias ?? true, opts);
    this.weight = this.param('weight', w);
    this.bias = b && this.param('bias', b);
    this.attrs = { stride: opts.stride ?? 1, padding: opts.padding ?? 0, outputPadding: opts.outputPadding ?? 0, dilation: opts.dilation ?? 1, groups };
  }

  /** x (N, inChannels, H, W) -> (N, outChannels, Hout, Wout). */
  forward(x: Tensor): Tensor {
    return convTranspose2d(x, this.weight, this.bias, this.attrs);
  }
}
