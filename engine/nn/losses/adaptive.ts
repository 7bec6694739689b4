// Adaptive log-softmax with loss (torch.nn.AdaptiveLogSoftmaxWithLoss), for large vocabularies:
// frequent classes [0, cutoffs[0]) sit in a head softmax with one extra entry per tail cluster;
// a rare class c in cluster i has log p(c) = log p_head(cluster i) + log p_i(c), where cluster i
// projects the input down to in / divValue^(i+1) features before its own softmax.
// Paper: Grave et al., "Efficient softmax approximation for GPUs" (2017).
import { fromArray, zeros, rand } from '../../creation.js';
import { type DType, type TypedArray } from '../../dtype.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from '../../errors.js';
import { Generator } from '../../rng.js';
import { add } from '../../ops/binary/add.js';
import { sub } from '../../ops/binary/sub.js';
import { where } from '../../ops/binary/where.js';
import { ge } from '../../ops/compare/ge.js';
import { lt } from '../../ops/compare/lt.js';
import { matmul } from '../../ops/linalg/matmul.js';
import { concat } from '../../ops/movement/concat.js';
import { gather } from '../../ops/movement/gather.js';
import { indexSelect } from '../../ops/movement/index_select.js';
import { scatterAdd } from '../../ops/movement/scatter_add.js';
import { slice } from '../../ops/movement/slice.js';
import { squeeze } from '../../ops/movement/squeeze.js';
import { unsqueeze } from '../../ops/movement/unsqueeze.js';
import { logSoftmax } from '../../ops/nn/log_softmax.js';
import { argmax } from '../../ops/reduce/argmax.js';
import { mean } from '../../ops/reduce/mean.js';
import { neg } from '../../ops/unary/neg.js';
import type { Tensor } from '../../tensor.js';
import type { Backend } from '../../backend.js';
import { Module } from '../module.js';
import { readValues, requireFloatArg } from './util.js';

const NAME = 'AdaptiveLogSoftmaxWithLoss';

interface InitOptions {
  gen: Generator;
  dtype: DType;
  backend?: Backend | string;
}

/** y = x Wᵀ (+ b) with torch.nn.Linear's parameter names and init U(-1/√in, 1/√in). */
class ProjectionLinear extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  constructor(inFeatures: number, outFeatures: number, bias: boolean, o: InitOptions) {
    super();
    const bound = inFeatures > 0 ? 1 / Math.sqrt(inFeatures) : 0;
    const draw = (shape: number[]) => rand(shape, { low: -bound, high: bound, gen: o.gen, dtype: o.dtype, backend: o.backend });
    this.weight = this.param('weight', draw([outFeatures, inFeatures]));
    this.bias = bias ? this.param('bias', draw([outFeatures])) : null;
  }
  forward(x: Tensor): Tensor {
    const y = matmul(x, this.weight, { transB: true });
    return this.bias ? add(y, this.bias) : y;
  }
}

/** Sequential(Linear(in, hsz), Linear(hsz, osz)) of one tail cluster: parameters 0.weight, 1.weight. */
class TailCluster extends Module {
  readonly down: ProjectionLinear;
  readonly up: ProjectionLinear;
  constructor(inFeatures: number, hidden: number, out: number, o: InitOptions) {
    super();
    this.down = this.module('0', new ProjectionLinear(inFeatures, hidden, false, o));
    this.up = this.module('1', new ProjectionLinear(hidden, out, false, o));
  }
  forward(x: Tensor): Tensor {
    return this.up.forward(this.down.forward(x));
  }
}

/** ModuleList of the clusters: children 0, 1, ... */
class TailList extends Module {
  readonly clusters: TailCluster[];
  constructor(clusters: TailCluster[]) {
    super();
    this.clusters = clusters.map((c, i) => this.module(String(i), c));
  }
}

export interface AdaptiveLogSoftmaxOptions {
  /** Hidden size of cluster i is floor(inFeatures / divValue^(i+1)) (default 4). */
  divValue?: number;
  /** Give the head projection a bias (default false). */
  headBias?: boolean;
  /** Weights are drawn from this generator, or from a fresh one with `seed` (default 0). */
  gen?: Generator;
  seed?: number;
  dtype?: DType;
  backend?: Backend | string;
}

export interface AdaptiveLogSoftmaxOutput {
  /** log p(target) per example: (N), or () for an unbatched input. */
  output: Tensor;
  /** mean of -output. */
  loss: Tensor;
}

function checkConfig(inFeatures: number, nClasses: number, cutoffs: readonly number[], divValue: number): void {
  const posInt = (v: number) => Number.isInteger(v) && v > 0;
  if (!posInt(inFeatures)) throw new ValueError(NAME, `inFeatures ${inFeatures} must be a positive integer`);
  if (!posInt(nClasses) || nClasses < 2) throw new ValueError(NAME, `nClasses ${nClasses} must be an integer >= 2`);
  const ok = cutoffs.length > 0 && cutoffs.every((c, i) => Number.isInteger(c) && c >= 1 && c <= nClasses - 1 && (i === 0 || c > cutoffs[i - 1]!));
  if (!ok) {
    throw new ValueError(NAME, `cutoffs [${cutoffs.join(', ')}] should be a non-empty sequence of unique, positive integers sorted in increasing order, each between 1 and nClasses - 1 = ${nClasses - 1}`);
  }
  if (typeof divValue !== 'number' || !(divValue > 0) || !Number.isFinite(divValue)) throw new ValueError(NAME, `divValue ${divValue} must be a finite number > 0`);
}

export class AdaptiveLogSoftmaxWithLoss extends Module {
  readonly inFeatures: number;
  readonly nClasses: number;
  /** The given cutoffs followed by nClasses (torch's `cutoffs` attribute). */
  readonly cutoffs: readonly number[];
  readonly divValue: number;
  readonly headBias: boolean;
  readonly shortlistSize: number;
  readonly nClusters: number;
  readonly headSize: number;
  readonly head: ProjectionLinear;
  readonly tail: TailList;

  constructor(inFeatures: number, nClasses: number, cutoffs: readonly number[], opts: AdaptiveLogSoftmaxOptions = {}) {
    super();
    const divValue = opts.divValue ?? 4;
    checkConfig(inFeatures, nClasses, cutoffs, divValue);
    this.inFeatures = inFeatures;
    this.nClasses = nClasses;
    this.cutoffs = [...cutoffs, nClasses];
    this.divValue = divValue;
    this.headBias = opts.headBias ?? false;
    this.shortlistSize = this.cutoffs[0]!;
    this.nClusters = this.cutoffs.length - 1;
    this.headSize = this.shortlistSize + this.nClusters;
    const init: InitOptions = { gen: opts.gen ?? new Generator(opts.seed ?? 0), dtype: opts.dtype ?? 'float32', backend: opts.backend };
    this.head = this.module('head', new ProjectionLinear(inFeatures, this.headSize, this.headBias, init));
    const clusters = Array.from({ length: this.nClusters }, (_, i) => {
      const hidden = Math.floor(inFeatures / divValue ** (i + 1));
      return new TailCluster(inFeatures, hidden, this.cutoffs[i + 1]! - this.cutoffs[i]!, init);
    });
    this.tail = this.module('tail', new TailList(clusters));
  }

  /** input (N, inFeatures) with int32 target (N), or (inFeatures) with target (). */
  forward(input: Tensor, target: Tensor): AdaptiveLogSoftmaxOutput {
    this.checkInput(input);
    if (target.dtype !== 'int32') throw new DTypeError(NAME, `target ${fmtShape(target.shape)} has dtype ${target.dtype}; class indices must be int32`);
    const fits = target.rank === 0 ? input.rank === 1 : target.rank === 1 && input.rank === 2 && input.shape[0] === target.shape[0];
    if (!fits) throw new ShapeError(NAME, `input ${fmtShape(input.shape)} and target ${fmtShape(target.shape)}: expected input (N, ${this.inFeatures}) with target (N), or (${this.inFeatures}) with target ()`);
    const x = input.rank === 1 ? unsqueeze(input, 0) : input; // (N, in)
    const t = target.rank === 0 ? unsqueeze(target, 0) : target; // (N)
    const values = this.targetValues(t);
    if (values) this.checkTargets(values, target);
    const headLogprob = logSoftmax(this.head.forward(x), { axis: 1 }); // (N, headSize)
    const out = values ? this.selectedRows(x, values, headLogprob) : this.allRows(x, t, headLogprob);
    return { output: input.rank === 1 ? squeeze(out, 0) : out, loss: mean(neg(out)) };
  }

  /** Full log-probabilities (N, nClasses) (or (nClasses) for an unbatched input). */
  logProb(input: Tensor): Tensor {
    this.checkInput(input);
    const x = input.rank === 1 ? unsqueeze(input, 0) : input;
    const sl = this.shortlistSize;
    const head = logSoftmax(this.head.forward(x), { axis: 1 });
    const cols = (start: number, end: number) => slice(head, { starts: [start], ends: [end], axes: [1] });
    const parts = [cols(0, sl)];
    this.tail.clusters.forEach((cluster, i) => parts.push(add(logSoftmax(cluster.forward(x), { axis: 1 }), cols(sl + i, sl + i + 1))));
    const out = concat(parts, { axis: 1 });
    return input.rank === 1 ? squeeze(out, 0) : out;
  }

  /** The most likely class per example (int32), from the full distribution. */
  predict(input: Tensor): Tensor {
    return argmax(this.logProb(input), { axis: -1 });
  }

  /**
   * Target values when they can be read synchronously (ref, native): forward then runs each tail
   * cluster on its own rows only, as torch. Otherwise (null) every cluster runs on every row and
   * the results are masked, which gives the same values without reading data.
   */
  protected targetValues(target: Tensor): TypedArray | null {
    return readValues(target);
  }

  private checkInput(input: Tensor): void {
    requireFloatArg(NAME, 'input', input);
    if ((input.rank !== 1 && input.rank !== 2) || input.shape[input.rank - 1] !== this.inFeatures) {
      throw new ShapeError(NAME, `input ${fmtShape(input.shape)} must be (N, ${this.inFeatures}) or (${this.inFeatures})`);
    }
  }

  private checkTargets(values: TypedArray, target: Tensor): void {
    const bad = Array.from(values).filter((v) => v < 0 || v >= this.nClasses);
    if (!bad.length) return;
    throw new ValueError(NAME, `target ${fmtShape(target.shape)} values should be in [0, ${this.nClasses - 1}], but values in range [${Math.min(...bad)}, ${Math.max(...bad)}] were found`);
  }

  /** Index of the cluster holding class v (v >= shortlistSize). */
  private clusterOf(v: number): number {
    let i = 0;
    while (v >= this.cutoffs[i + 1]!) i++;
    return i;
  }

  private selectedRows(x: Tensor, values: TypedArray, headLogprob: Tensor): Tensor {
    const n = values.length, sl = this.shortlistSize, backend = x.backend;
    const headIndex = new Int32Array(n);
    const rows: number[][] = this.tail.clusters.map(() => []);
    values.forEach((v, r) => {
      if (v < sl) headIndex[r] = v;
      else {
        const i = this.clusterOf(v);
        headIndex[r] = sl + i;
        rows[i]!.push(r);
      }
    });
    let out = squeeze(gather(headLogprob, fromArray(headIndex, [n, 1], 'int32', { backend }), { axis: 1 }), 1); // (N)
    rows.forEach((rs, i) => {
      if (!rs.length) return;
      const rowIndex = fromArray(Int32Array.from(rs), [rs.length], 'int32', { backend });
      const relative = fromArray(Int32Array.from(rs, (r) => values[r]! - this.cutoffs[i]!), [rs.length, 1], 'int32', { backend });
      const logp = logSoftmax(this.tail.clusters[i]!.forward(indexSelect(x, rowIndex, { axis: 0 })), { axis: 1 }); // (rows, osz)
      out = scatterAdd(out, rowIndex, squeeze(gather(logp, relative, { axis: 1 }), 1), { axis: 0 });
    });
    return out;
  }

  private allRows(x: Tensor, t: Tensor, headLogprob: Tensor): Tensor {
    let headIndex = t;
    let out = zeros([t.shape[0]!], { dtype: headLogprob.dtype, backend: x.backend });
    this.tail.clusters.forEach((cluster, i) => {
      const low = this.cutoffs[i]!, high = this.cutoffs[i + 1]!;
      const aboveLow = ge(t, low);
      const inCluster = where(aboveLow, lt(t, high), aboveLow); // low <= t < high
      headIndex = where(inCluster, this.shortlistSize + i, headIndex);
      const relative = unsqueeze(where(inCluster, sub(t, low), 0), 1); // (N, 1)
      const logp = logSoftmax(cluster.forward(x), { axis: 1 }); // (N, osz)
      out = add(out, where(inCluster, squeeze(gather(logp, relative, { axis: 1 }), 1), 0));
    });
    return add(out, squeeze(gather(headLogprob, unsqueeze(headIndex, 1), { axis: 1 }), 1));
  }
}
