// Normalization with batch statistics: BatchNorm1d, BatchNorm2d, InstanceNorm2d (torch.nn).
// Training: normalize with the batch's mean and biased variance, and (with trackRunningStats)
// update the buffers as torch does:
//   running_mean ← (1 − m)·running_mean + m·mean,  running_var ← (1 − m)·running_var + m·var_unbiased
// with m = momentum, or m = 1/num_batches_tracked (a cumulative average) when momentum is null.
// Eval: normalize with the running statistics (batch statistics if none are tracked).
import { full, ones, zeros } from '../../creation.js';
import { ShapeError, ValueError, fmtShape } from '../../errors.js';
import { noGrad } from '../../gradmode.js';
import { add } from '../../ops/binary/add.js';
import { expand } from '../../ops/movement/expand.js';
import { reshape } from '../../ops/movement/reshape.js';
import { unsqueeze } from '../../ops/movement/unsqueeze.js';
import { batchNorm } from '../../ops/nn/batch_norm.js';
import { instanceNorm } from '../../ops/nn/instance_norm.js';
import { mean } from '../../ops/reduce/mean.js';
import { tidy } from '../../scope.js';
import type { Tensor } from '../../tensor.js';
import { Module } from '../module.js';
import { checkCount, createOptions } from './layer-options.js';
import type { NormLayerOptions } from './norm.js';

export interface BatchNormLayerOptions extends NormLayerOptions {
  eps?: number;
  /** Weight of the new batch in the running averages (default 0.1); null: cumulative average. */
  momentum?: number | null;
  /** Learn weight and bias (default true). */
  affine?: boolean;
  /** Keep running_mean/running_var/num_batches_tracked buffers (default true). */
  trackRunningStats?: boolean;
}

/** The buffers and parameters shared by batch and instance norm (torch's _NormBase). */
abstract class NormBase extends Module {
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;
  readonly runningMean: Tensor | null;
  readonly runningVar: Tensor | null;
  /** int32 scalar (torch: int64; files from torch load through safetensors' I64 -> int32). */
  readonly numBatchesTracked: Tensor | null;
  readonly eps: number;
  readonly momentum: number | null;

  constructor(layer: string, readonly numFeatures: number, opts: BatchNormLayerOptions, affineDefault: boolean, trackDefault: boolean) {
    super();
    checkCount(layer, 'numFeatures', numFeatures);
    this.eps = opts.eps ?? 1e-5;
    this.momentum = opts.momentum === undefined ? 0.1 : opts.momentum;
    if (this.momentum !== null && !(this.momentum >= 0 && this.momentum <= 1)) throw new ValueError(layer, `momentum ${this.momentum} must lie in [0, 1] (or be null)`);
    const c = createOptions(opts), affine = opts.affine ?? affineDefault, track = opts.trackRunningStats ?? trackDefault;
    this.weight = affine ? this.param('weight', ones([numFeatures], c)) : null;
    this.bias = affine ? this.param('bias', zeros([numFeatures], c)) : null;
    this.runningMean = track ? this.buffer('running_mean', zeros([numFeatures], c)) : null;
    this.runningVar = track ? this.buffer('running_var', ones([numFeatures], c)) : null;
    this.numBatchesTracked = track ? this.buffer('num_batches_tracked', full([], 0, { ...c, dtype: 'int32' })) : null;
  }

  /** Replaces a buffer's values with `next` (then disposes `next`). */
  protected static update(buffer: Tensor, next: Tensor): void {
    buffer.assign(next);
    next.dispose();
  }

  /** x has one of `ranks` and numFeatures channels on axis 1 (axis 0 for unbatched rank `unbatched`). */
  protected checkChannels(layer: string, x: Tensor, ranks: readonly number[], unbatched = -1): void {
    if (!ranks.includes(x.rank)) throw new ShapeError(layer, `x ${fmtShape(x.shape)}: expected ${ranks.join('-D or ')}-D input, got ${x.rank}-D`);
    const cAxis = x.rank === unbatched ? 0 : 1;
    if (x.shape[cAxis] !== this.numFeatures) throw new ShapeError(layer, `x ${fmtShape(x.shape)}: expected ${this.numFeatures} channels on axis ${cAxis}, got ${x.shape[cAxis]}`);
  }
}

abstract class BatchNormBase extends NormBase {
  constructor(private readonly layer: string, private readonly ranks: readonly number[], numFeatures: number, opts: BatchNormLayerOptions) {
    super(layer, numFeatures, opts, true, true);
  }

  /** x (N, C, ...) -> same shape. */
  forward(x: Tensor): Tensor {
    this.checkChannels(this.layer, x, this.ranks);
    if (this.training && x.size / this.numFeatures === 1) {
      throw new ValueError(this.layer, `x ${fmtShape(x.shape)}: expected more than 1 value per channel when training`);
    }
    let factor = this.momentum ?? 0;
    if (this.training && this.numBatchesTracked) {
      NormBase.update(this.numBatchesTracked, tidy(() => noGrad(() => add(this.numBatchesTracked!, 1))));
      // NOTE: the cumulative average reads the counter, so momentum null needs a synchronous backend.
      if (this.momentum === null) factor = 1 / this.numBatchesTracked.item();
    }
    const useBatchStats = this.training || this.runningMean === null;
    const out = batchNorm(x, {
      runningMean: this.runningMean, runningVar: this.runningVar, weight: this.weight, bias: this.bias,
      training: useBatchStats, momentum: factor, eps: this.eps,
    });
    if (useBatchStats && this.runningMean && out.runningMean && out.runningVar) {
      NormBase.update(this.runningMean, out.runningMean);
      NormBase.update(this.runningVar!, out.runningVar);
    }
    return out.y;
  }
}

/** Over (N, C) or (N, C, L): statistics per channel C over N (and L). */
export class BatchNorm1d extends BatchNormBase {
  constructor(numFeatures: number, opts: BatchNormLayerOptions = {}) {
    super('BatchNorm1d', [2, 3], numFeatures, opts);
  }
}

/** Over (N, C, H, W): statistics per channel C over N, H, W. */
export class BatchNorm2d extends BatchNormBase {
  constructor(numFeatures: number, opts: BatchNormLayerOptions = {}) {
    super('BatchNorm2d', [4], numFeatures, opts);
  }
}

/**
 * Over (N, C, H, W) or unbatched (C, H, W): statistics per example and channel over H, W. Defaults
 * as torch: affine false, trackRunningStats false. With running stats, training updates them with
 * the mean over the batch of the per-instance statistics (torch: batch norm of the (1, N·C, H, W)
 * view, then the average over N), and eval normalizes with them.
 */
export class InstanceNorm2d extends NormBase {
  constructor(numFeatures: number, opts: Omit<BatchNormLayerOptions, 'momentum'> & { momentum?: number } = {}) {
    super('InstanceNorm2d', numFeatures, opts, false, false);
  }

  forward(x: Tensor): Tensor {
    this.checkChannels('InstanceNorm2d', x, [3, 4], 3);
    if (x.rank === 3) return reshape(this.forward(unsqueeze(x, 0)), x.shape);
    if (this.runningMean === null) return instanceNorm(x, this.weight, this.bias, this.eps);
    if (!this.training) {
      return batchNorm(x, { runningMean: this.runningMean, runningVar: this.runningVar, weight: this.weight, bias: this.bias, training: false, eps: this.eps }).y;
    }
    const [N, C, H, W] = x.shape as [number, number, number, number];
    const perInstance = (t: Tensor | null) => t && reshape(expand(unsqueeze(t, 0), [N, C]), [N * C]); // (N·C)
    const out = batchNorm(reshape(x, [1, N * C, H, W]), {
      runningMean: perInstance(this.runningMean), runningVar: perInstance(this.runningVar), weight: perInstance(this.weight), bias: perInstance(this.bias),
      training: true, momentum: this.momentum ?? 0.1, eps: this.eps,
    });
    noGrad(() => {
      NormBase.update(this.runningMean!, tidy(() => mean(reshape(out.runningMean!, [N, C]), { axes: 0 })));
      NormBase.update(this.runningVar!, tidy(() => mean(reshape(out.runningVar!, [N, C]), { axes: 0 })));
    });
    out.runningMean?.dispose();
    out.runningVar?.dispose();
    return reshape(out.y, [N, C, H, W]);
  }
}
