// Creating tensors: from JS data, constants, ranges and random draws (engine/rng.ts spec).
import type { Backend } from './backend.js';
import { resolveBackend } from './backends.js';
import { allocArray, convertArray, isFloat, type DType, type TypedArray } from './dtype.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from './errors.js';
import { Generator, checkSeed, wordsFor, type RandomKind } from './rng.js';
import { checkShape, sizeOf, type Shape } from './shape.js';
import { Tensor, type NestedArray } from './tensor.js';

export interface CreateOptions {
  dtype?: DType;
  backend?: Backend | string;
  requiresGrad?: boolean;
}

function inferDType(data: unknown): DType {
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Int32Array) return 'int32';
  if (typeof data === 'boolean' || (Array.isArray(data) && typeof data.flat(Infinity)[0] === 'boolean')) return 'bool';
  return 'float32';
}

function nestedShape(data: NestedArray | boolean | readonly unknown[]): number[] {
  const shape: number[] = [];
  let cur: unknown = data;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    cur = cur[0];
  }
  return shape;
}

/** A tensor from a number, nested arrays or a flat typed array (with `shape`). Float32 by default. */
export function tensor(
  data: NestedArray | boolean | readonly (number | boolean)[] | readonly unknown[] | TypedArray,
  opts: CreateOptions & { shape?: Shape } = {},
): Tensor {
  const dtype = opts.dtype ?? inferDType(data);
  let flat: ArrayLike<number>;
  let shape: number[];
  if (ArrayBuffer.isView(data)) {
    flat = data as TypedArray;
    shape = opts.shape ? [...opts.shape] : [flat.length];
  } else {
    shape = nestedShape(data as NestedArray);
    const values = (Array.isArray(data) ? (data as unknown[]).flat(Infinity) : [data]) as (number | boolean)[];
    flat = values.map((v) => Number(v));
    if (flat.length !== sizeOf(shape)) throw new ShapeError('tensor', `nested arrays are ragged: shape ${fmtShape(shape)} but ${flat.length} values`);
    if (opts.shape) shape = [...opts.shape];
  }
  checkShape('tensor', 'shape', shape);
  if (sizeOf(shape) !== flat.length) throw new ShapeError('tensor', `shape ${fmtShape(shape)} needs ${sizeOf(shape)} values, got ${flat.length}`);
  return fromArray(convertArray(flat, dtype), shape, dtype, opts);
}

/** Wraps an array already in `dtype`'s storage type (no conversion). */
export function fromArray(data: TypedArray, shape: Shape, dtype: DType, opts: CreateOptions = {}): Tensor {
  const backend = resolveBackend(opts.backend);
  const meta = { shape, dtype };
  const t = new Tensor(backend.upload(data, meta), meta, backend, false);
  if (opts.requiresGrad) t.requireGrad();
  return t;
}

export function full(shape: Shape, value: number, opts: CreateOptions = {}): Tensor {
  checkShape('full', 'shape', shape);
  const dtype = opts.dtype ?? 'float32';
  const data = allocArray(dtype, sizeOf(shape));
  data.fill(dtype === 'bool' ? (value ? 1 : 0) : value);
  return fromArray(data, shape, dtype, opts);
}

export const zeros = (shape: Shape, opts: CreateOptions = {}): Tensor => full(shape, 0, opts);
export const ones = (shape: Shape, opts: CreateOptions = {}): Tensor => full(shape, 1, opts);
export const scalar = (value: number, opts: CreateOptions = {}): Tensor => full([], value, opts);

const like = (t: Tensor, o: CreateOptions) => ({ dtype: t.dtype, backend: t.backend, ...o });
export const fullLike = (t: Tensor, v: number, o: CreateOptions = {}): Tensor => full(t.shape, v, like(t, o));
export const zerosLike = (t: Tensor, o: CreateOptions = {}): Tensor => full(t.shape, 0, like(t, o));
export const onesLike = (t: Tensor, o: CreateOptions = {}): Tensor => full(t.shape, 1, like(t, o));

/** Values start, start+step, ... below end (torch.arange); float32 unless dtype is given. */
export function arange(start: number, end?: number, step = 1, opts: CreateOptions = {}): Tensor {
  if (end === undefined) [start, end] = [0, start];
  if (step === 0 || !Number.isFinite(step)) throw new ValueError('arange', `step ${step} must be finite and non-zero`);
  const n = Math.max(0, Math.ceil((end - start) / step));
  const dtype = opts.dtype ?? 'float32';
  const data = allocArray(dtype, n);
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  return fromArray(data, [n], dtype, opts);
}

export interface RandomOptions extends CreateOptions {
  /** Where the draw comes from: a generator (advanced by the draw) or a bare seed (offset 0). */
  gen?: Generator;
  seed?: number;
}

function draw(op: string, kind: RandomKind, shape: Shape, a: number, b: number, opts: RandomOptions, dflt: DType): Tensor {
  checkShape(op, 'shape', shape);
  const dtype = opts.dtype ?? dflt;
  if (kind === 'randint' ? dtype === 'bool' : kind !== 'bernoulli' && !isFloat(dtype)) {
    throw new DTypeError(op, `dtype ${dtype} is not supported`);
  }
  const n = sizeOf(shape);
  let seed: number, offset: number;
  if (opts.gen) {
    seed = opts.gen.seed;
    offset = opts.gen.take(wordsFor(kind, n));
  } else {
    seed = opts.seed ?? 0;
    checkSeed(op, seed);
    offset = 0;
  }
  const backend = resolveBackend(opts.backend);
  const meta = { shape, dtype };
  const t = new Tensor(backend.random(meta, { kind, seed, offset, a, b }), meta, backend, false);
  if (opts.requiresGrad) t.requireGrad();
  return t;
}

/** Uniform in [low, high). */
export function rand(shape: Shape, opts: RandomOptions & { low?: number; high?: number } = {}): Tensor {
  return draw('rand', 'uniform', shape, opts.low ?? 0, opts.high ?? 1, opts, 'float32');
}

/** Normal with the given mean and standard deviation (Box-Muller). */
export function randn(shape: Shape, opts: RandomOptions & { mean?: number; std?: number } = {}): Tensor {
  return draw('randn', 'normal', shape, opts.mean ?? 0, opts.std ?? 1, opts, 'float32');
}

/** 1 with probability p, else 0. */
export function bernoulli(shape: Shape, p: number, opts: RandomOptions = {}): Tensor {
  if (!(p >= 0 && p <= 1)) throw new ValueError('bernoulli', `p ${p} must lie in [0, 1]`);
  return draw('bernoulli', 'bernoulli', shape, p, 0, opts, 'float32');
}

/** Integers uniform in [low, high) (int32 by default). */
export function randint(shape: Shape, low: number, high: number, opts: RandomOptions = {}): Tensor {
  if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low || high - low > 4294967296) {
    throw new ValueError('randint', `range [${low}, ${high}) must be non-empty integers spanning at most 2^32`);
  }
  return draw('randint', 'randint', shape, low, high, opts, 'int32');
}
