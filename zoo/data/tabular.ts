// Small in-memory classification sets (iris, two spirals): features (N, F) and class labels (N),
// a seeded train/validation split, features standardized with the TRAINING split's mean and
// standard deviation, and batches { x: (B, F) float, y: (B) int32 }.
import { ValueError, fromArray, tensor, type Backend, type FloatDType } from '../../engine/index.js';
import type { Batch, DataSource } from '../model.js';
import { STREAM, permutation } from './random.js';

export interface TabularOptions {
  seed: number;
  /** Rows per training batch; the whole training split when >= its size. */
  batchSize: number;
  dtype?: FloatDType;
  backend?: Backend | string;
}

export interface ClassificationSet extends DataSource {
  readonly numFeatures: number;
  readonly numClasses: number;
  readonly classNames: readonly string[];
  readonly trainSize: number;
  readonly valSize: number;
}

export interface LabeledRows {
  /** Row-major (N, F). */
  features: Float64Array;
  labels: Int32Array;
  numFeatures: number;
  classNames: readonly string[];
}

/** Per-column mean and (population) standard deviation of the rows `idx` of `x` (N, F). */
function columnStats(x: Float64Array, F: number, idx: Int32Array): { mean: Float64Array; std: Float64Array } {
  const mean = new Float64Array(F), std = new Float64Array(F);
  for (const i of idx) for (let f = 0; f < F; f++) mean[f]! += x[i * F + f]! / idx.length;
  for (const i of idx) for (let f = 0; f < F; f++) std[f]! += (x[i * F + f]! - mean[f]!) ** 2 / idx.length;
  for (let f = 0; f < F; f++) std[f] = Math.sqrt(std[f]!) || 1;
  return { mean, std };
}

/**
 * A DataSource over `rows`: `valFraction` of the rows (seeded) are held out. Training batch `step`
 * is the rows of a seeded permutation for that step, cut to batchSize; validation is one batch of
 * every held-out row.
 */
export function classificationSet(rows: LabeledRows, opts: TabularOptions, valFraction: number, description: string): ClassificationSet {
  const { features, labels, numFeatures: F, classNames } = rows;
  const N = labels.length;
  if (!Number.isSafeInteger(opts.batchSize) || opts.batchSize < 1) throw new ValueError('classificationSet', `batchSize ${opts.batchSize} must be an integer >= 1`);
  const order = permutation(opts.seed, STREAM.split, 0, N);
  const nVal = Math.round(N * valFraction);
  const valIdx = order.subarray(0, nVal), trainIdx = order.subarray(nVal);
  const { mean, std } = columnStats(features, F, trainIdx);
  const standardized = features.map((v, k) => (v - mean[k % F]!) / std[k % F]!);
  const create = { dtype: opts.dtype ?? 'float32', backend: opts.backend };
  const batchOf = (idx: ArrayLike<number>): Batch => {
    const B = idx.length;
    const x = new Float64Array(B * F), y = new Int32Array(B);
    for (let b = 0; b < B; b++) {
      x.set(standardized.subarray(idx[b]! * F, idx[b]! * F + F), b * F);
      y[b] = labels[idx[b]!]!;
    }
    return { x: tensor(x, { ...create, shape: [B, F] }), y: fromArray(y, [B], 'int32', { backend: opts.backend }) }; // (B, F), (B)
  };
  const B = Math.min(opts.batchSize, trainIdx.length);
  return {
    description,
    numFeatures: F,
    numClasses: classNames.length,
    classNames,
    trainSize: trainIdx.length,
    valSize: valIdx.length,
    trainBatch(step: number): Batch {
      const p = permutation(opts.seed, STREAM.train, step, trainIdx.length);
      return batchOf(Array.from(p.subarray(0, B), (j) => trainIdx[j]!));
    },
    valBatches(): Batch[] {
      return [batchOf(valIdx)];
    },
  };
}
