// Weight initializers (torch.nn.init), as one namespace object: init.kaimingUniform(w, {...}).
// Each takes a target: a shape (returns a new tensor) or a tensor (fills it in place with
// Tensor.assign and returns it, torch's trailing-underscore style). Random draws come from the
// engine's counter-based RNG (engine/rng.ts): `gen` (advanced by the draw), or `seed` (offset 0),
// or else the process-wide generator the layers use. uniform/normal-based initializers draw on the
// target backend, which reproduces the rng.ts bits; truncNormal and orthogonal transform the same
// draws on the host in float64 and upload, so every backend gets the same weights for a seed.
import type { Backend } from '../backend.js';
import { fromArray, full, rand, randn } from '../creation.js';
import { convertArray, isFloat, type DType, type FloatDType } from '../dtype.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from '../errors.js';
import { Generator, U24, philoxWords, wordsFor } from '../rng.js';
import { sizeOf, type Shape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { erf, erfc, normalCdf } from '../../kernels/ref/math.js';
import { layerGen } from './layers/layer-options.js';

/** A shape (a new tensor is made) or a tensor (filled in place). */
export type InitTarget = Shape | Tensor;

export interface InitOptions {
  gen?: Generator;
  seed?: number;
  /** dtype of a new tensor (default float32); a target tensor keeps its own. */
  dtype?: FloatDType;
  backend?: Backend | string;
}

export type Nonlinearity =
  | 'linear' | 'conv1d' | 'conv2d' | 'conv3d' | 'conv_transpose1d' | 'conv_transpose2d' | 'conv_transpose3d'
  | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'selu';

export type FanMode = 'fan_in' | 'fan_out';

interface Made {
  shape: Shape;
  dtype: DType;
  backend: Backend | string | undefined;
  gen: Generator;
}

function generatorOf(opts: InitOptions): Generator {
  if (opts.gen) return opts.gen;
  if (opts.seed !== undefined) return new Generator(opts.seed);
  return layerGen({});
}

/** Makes the values with `make`, then returns them or writes them into the target tensor. */
function produce(op: string, target: InitTarget, opts: InitOptions, make: (m: Made) => Tensor, anyDType = false): Tensor {
  if (target instanceof Tensor) {
    if (!anyDType && !isFloat(target.dtype)) throw new DTypeError(op, `tensor ${fmtShape(target.shape)} has dtype ${target.dtype}; initializers fill float tensors`);
    const t = make({ shape: target.shape, dtype: target.dtype, backend: target.backend, gen: generatorOf(opts) });
    target.assign(t);
    t.dispose();
    return target;
  }
  return make({ shape: target, dtype: opts.dtype ?? 'float32', backend: opts.backend, gen: generatorOf(opts) });
}

const shapeOf = (t: InitTarget): Shape => (t instanceof Tensor ? t.shape : t);

/** Recommended gain for a nonlinearity (torch.nn.init.calculate_gain); `param` is leaky_relu's slope (0.01). */
function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear': case 'conv1d': case 'conv2d': case 'conv3d': case 'sigmoid':
    case 'conv_transpose1d': case 'conv_transpose2d': case 'conv_transpose3d':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leaky_relu': {
      const slope = param ?? 0.01;
      if (typeof slope !== 'number' || !Number.isFinite(slope)) throw new ValueError('calculateGain', `negative slope ${String(param)} is not a valid number`);
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu':
      return 3 / 4; // NOTE: torch's value, chosen to keep the variance of self-normalizing nets stable.
    default:
      throw new ValueError('calculateGain', `unsupported nonlinearity '${String(nonlinearity)}'`);
  }
}

/**
 * [fan_in, fan_out] of a weight (torch.nn.init._calculate_fan_in_and_fan_out): for shape
 * (out, in, *kernel), fan_in = in·prod(kernel), fan_out = out·prod(kernel). Needs rank >= 2.
 */
function calculateFanInAndFanOut(op: string, shape: Shape): [number, number] {
  if (shape.length < 2) throw new ShapeError(op, `tensor ${fmtShape(shape)}: fan in and fan out need at least 2 dimensions`);
  const receptive = sizeOf(shape.slice(2));
  return [shape[1]! * receptive, shape[0]! * receptive];
}

function fanOf(op: string, shape: Shape, mode: FanMode): number {
  if (mode !== 'fan_in' && mode !== 'fan_out') throw new ValueError(op, `mode '${String(mode)}' must be 'fan_in' or 'fan_out'`);
  const [fanIn, fanOut] = calculateFanInAndFanOut(op, shape);
  return mode === 'fan_in' ? fanIn : fanOut;
}

function uniformWith(m: Made, low: number, high: number): Tensor {
  return rand(m.shape, { dtype: m.dtype, backend: m.backend, gen: m.gen, low, high });
}

function normalWith(m: Made, mean: number, std: number): Tensor {
  return randn(m.shape, { dtype: m.dtype, backend: m.backend, gen: m.gen, mean, std });
}

/** U(low, high). */
function uniform(target: InitTarget, opts: InitOptions & { low?: number; high?: number } = {}): Tensor {
  return produce('uniform', target, opts, (m) => uniformWith(m, opts.low ?? 0, opts.high ?? 1));
}

/** N(mean, std²). */
function normal(target: InitTarget, opts: InitOptions & { mean?: number; std?: number } = {}): Tensor {
  return produce('normal', target, opts, (m) => normalWith(m, opts.mean ?? 0, opts.std ?? 1));
}

/** Every element = value (no randomness; a target tensor may have any dtype). */
function constant(target: InitTarget, value: number, opts: Omit<InitOptions, 'gen' | 'seed'> = {}): Tensor {
  return produce('constant', target, opts, (m) => full(m.shape, value, { dtype: m.dtype, backend: m.backend }), true);
}

/** Glorot uniform: U(-a, a), a = gain·sqrt(6/(fan_in + fan_out)). Paper: Glorot & Bengio, AISTATS 2010. */
function xavierUniform(target: InitTarget, opts: InitOptions & { gain?: number } = {}): Tensor {
  const [fanIn, fanOut] = calculateFanInAndFanOut('xavierUniform', shapeOf(target));
  const a = Math.sqrt(3) * (opts.gain ?? 1) * Math.sqrt(2 / (fanIn + fanOut));
  return produce('xavierUniform', target, opts, (m) => uniformWith(m, -a, a));
}

/** Glorot normal: N(0, std²), std = gain·sqrt(2/(fan_in + fan_out)). */
function xavierNormal(target: InitTarget, opts: InitOptions & { gain?: number } = {}): Tensor {
  const [fanIn, fanOut] = calculateFanInAndFanOut('xavierNormal', shapeOf(target));
  const std = (opts.gain ?? 1) * Math.sqrt(2 / (fanIn + fanOut));
  return produce('xavierNormal', target, opts, (m) => normalWith(m, 0, std));
}

export interface KaimingOptions extends InitOptions {
  /** Negative slope of the leaky_relu that follows (default 0). */
  a?: number;
  mode?: FanMode;
  nonlinearity?: Nonlinearity;
}

/** std = gain(nonlinearity, a)/sqrt(fan) (He et al., "Delving deep into rectifiers", ICCV 2015). */
function kaimingStd(op: string, target: InitTarget, opts: KaimingOptions): number {
  const fan = fanOf(op, shapeOf(target), opts.mode ?? 'fan_in');
  return calculateGain(opts.nonlinearity ?? 'leaky_relu', opts.a ?? 0) / Math.sqrt(fan);
}

/** He uniform: U(-b, b), b = sqrt(3)·gain/sqrt(fan). Zero-size tensors are left as they are. */
function kaimingUniform(target: InitTarget, opts: KaimingOptions = {}): Tensor {
  if (sizeOf(shapeOf(target)) === 0) return produce('kaimingUniform', target, opts, (m) => full(m.shape, 0, { dtype: m.dtype, backend: m.backend }));
  const bound = Math.sqrt(3) * kaimingStd('kaimingUniform', target, opts);
  return produce('kaimingUniform', target, opts, (m) => uniformWith(m, -bound, bound));
}

/** He normal: N(0, std²), std = gain/sqrt(fan). */
function kaimingNormal(target: InitTarget, opts: KaimingOptions = {}): Tensor {
  if (sizeOf(shapeOf(target)) === 0) return produce('kaimingNormal', target, opts, (m) => full(m.shape, 0, { dtype: m.dtype, backend: m.backend }));
  const std = kaimingStd('kaimingNormal', target, opts);
  return produce('kaimingNormal', target, opts, (m) => normalWith(m, 0, std));
}

/** Words of `gen` as uniforms in [0, 1), exactly as rng.ts's uniform draw (float64). */
function hostUniform(gen: Generator, n: number): Float64Array {
  const words = new Uint32Array(n);
  philoxWords(gen.seed, gen.take(wordsFor('uniform', n)), words);
  return Float64Array.from(words, (w) => (w >>> 8) * U24);
}

/** Standard normals by rng.ts's Box-Muller pairing (float64). */
function hostNormal(gen: Generator, n: number): Float64Array {
  const words = new Uint32Array(wordsFor('normal', n));
  philoxWords(gen.seed, gen.take(words.length), words);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(((words[i]! >>> 8) + 1) * U24));
    const theta = 2 * Math.PI * ((words[i + 1]! >>> 8) * U24);
    out[i] = r * Math.cos(theta);
    if (i + 1 < n) out[i + 1] = r * Math.sin(theta);
  }
  return out;
}

const upload = (m: Made, data: Float64Array): Tensor => fromArray(convertArray(data, m.dtype), m.shape, m.dtype, { backend: m.backend });

/**
 * erf⁻¹(y) for y in [-1, 1]: Giles' single-precision approximation ("Approximating the erfinv
 * function", GPU Computing Gems, 2011), then two Halley steps on erf(x) - y (written with erfc
 * for y > 0.5 so the residual keeps its precision near ±1): about 1 ulp.
 */
function erfinv(y: number): number {
  if (Number.isNaN(y) || Math.abs(y) > 1) return NaN;
  if (Math.abs(y) === 1) return y * Infinity;
  if (y < 0) return -erfinv(-y);
  let w = -Math.log((1 - y) * (1 + y));
  let x: number;
  if (w < 5) {
    w -= 2.5;
    const c = [2.81022636e-8, 3.43273939e-7, -3.5233877e-6, -4.39150654e-6, 2.1858087e-4, -1.25372503e-3, -4.17768164e-3, 0.246640727, 1.50140941];
    x = c.reduce((p, ci) => ci + p * w, 0) * y;
  } else {
    w = Math.sqrt(w) - 3;
    const c = [-2.00214257e-4, 1.00950558e-4, 1.34934322e-3, -3.67342844e-3, 5.73950773e-3, -7.6224613e-3, 9.43887047e-3, 1.00167406, 2.83297682];
    x = c.reduce((p, ci) => ci + p * w, 0) * y;
  }
  for (let k = 0; k < 2; k++) {
    const r = y > 0.5 ? 1 - y - erfc(x) : erf(x) - y;
    const d = (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x); // d erf / dx
    x -= r / (d + x * r); // Halley: erf'' = -2x·erf'
  }
  return x;
}

export interface TruncNormalOptions extends InitOptions {
  mean?: number;
  std?: number;
  /** Lower and upper cut (default -2, 2: absolute values, not in units of std, as in torch). */
  a?: number;
  b?: number;
}

/**
 * N(mean, std²) restricted to [a, b] by torch's inverse-CDF method (torch.nn.init.trunc_normal_):
 * u ~ U(2Φ(α) - 1, 2Φ(β) - 1) with α = (a - mean)/std, β = (b - mean)/std, then
 * x = mean + std·√2·erf⁻¹(u), clamped to [a, b]. Computed in float64 on the host.
 */
function truncNormal(target: InitTarget, opts: TruncNormalOptions = {}): Tensor {
  const { mean = 0, std = 1, a = -2, b = 2 } = opts;
  if (!(std > 0 && Number.isFinite(std))) throw new ValueError('truncNormal', `std ${std} must be a finite number > 0`);
  if (!(a < b)) throw new ValueError('truncNormal', `a ${a} must be less than b ${b}`);
  const lo = 2 * normalCdf((a - mean) / std) - 1, hi = 2 * normalCdf((b - mean) / std) - 1;
  return produce('truncNormal', target, opts, (m) => {
    const u = hostUniform(m.gen, sizeOf(m.shape));
    const x = u.map((ui) => Math.min(b, Math.max(a, mean + std * Math.SQRT2 * erfinv(lo + (hi - lo) * ui))));
    return upload(m, x);
  });
}

/**
 * A (semi-)orthogonal matrix times gain (torch.nn.init.orthogonal_; Saxe et al., ICLR 2014): the
 * tensor is viewed as (rows, cols) with rows = shape[0]; a standard normal matrix (transposed when
 * rows < cols) is factored A = QR by Householder reflections in float64, and Q·diag(sign(diag R))
 * (the unique Q with positive R diagonal) is the result, transposed back.
 */
function orthogonal(target: InitTarget, opts: InitOptions & { gain?: number } = {}): Tensor {
  const shape = shapeOf(target);
  if (shape.length < 2) throw new ShapeError('orthogonal', `tensor ${fmtShape(shape)} must have at least 2 dimensions`);
  const gain = opts.gain ?? 1;
  return produce('orthogonal', target, opts, (m) => {
    const rows = shape[0]!, n = sizeOf(shape), cols = rows === 0 ? 0 : n / rows;
    if (n === 0) return upload(m, new Float64Array(0));
    const flat = hostNormal(m.gen, n); // (rows, cols) row-major
    const tall = rows >= cols;
    const [M, N] = tall ? [rows, cols] : [cols, rows];
    const A = new Float64Array(M * N); // (M, N), M >= N
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) A[tall ? i * N + j : j * N + i] = flat[i * cols + j]!;
    const Q = householderQ(A, M, N);
    const out = new Float64Array(n);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[i * cols + j] = gain * Q[tall ? i * N + j : j * N + i]!;
    return upload(m, out);
  });
}

/** Thin Q (M, N) of A = QR with diag(R) >= 0, by Householder reflections (A is overwritten). */
function householderQ(A: Float64Array, M: number, N: number): Float64Array {
  const vs: Float64Array[] = [];
  const rSign = new Float64Array(N);
  for (let k = 0; k < N; k++) {
    let norm = 0;
    for (let i = k; i < M; i++) norm += A[i * N + k]! ** 2;
    norm = Math.sqrt(norm);
    const x0 = A[k * N + k]!;
    const alpha = x0 > 0 ? -norm : norm; // R_kk; the sign opposite to x0 avoids cancellation
    const v = new Float64Array(M - k);
    for (let i = k; i < M; i++) v[i - k] = A[i * N + k]!;
    v[0]! -= alpha;
    let vn = 0;
    for (const vi of v) vn += vi * vi;
    vn = Math.sqrt(vn);
    if (vn > 0) for (let i = 0; i < v.length; i++) v[i]! /= vn;
    for (let j = k; j < N; j++) reflect(A, v, k, j, M, N);
    vs.push(v);
    rSign[k] = Math.sign(alpha);
  }
  const Q = new Float64Array(M * N);
  for (let j = 0; j < N; j++) Q[j * N + j] = 1;
  for (let k = N - 1; k >= 0; k--) for (let j = 0; j < N; j++) reflect(Q, vs[k]!, k, j, M, N);
  for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) Q[i * N + j]! *= rSign[j]!;
  return Q;
}

/** Column j of X (rows k..M-1) ← (I - 2vvᵀ)·column. */
function reflect(X: Float64Array, v: Float64Array, k: number, j: number, M: number, N: number): void {
  let dot = 0;
  for (let i = k; i < M; i++) dot += v[i - k]! * X[i * N + j]!;
  for (let i = k; i < M; i++) X[i * N + j]! -= 2 * dot * v[i - k]!;
}

/** torch.nn.init as one object: init.xavierUniform(w, { gen }), init.zeros([3, 4]), ... */
export const init = {
  calculateGain,
  calculateFanInAndFanOut: (shape: Shape): [number, number] => calculateFanInAndFanOut('calculateFanInAndFanOut', shape),
  uniform,
  normal,
  constant,
  zeros: (target: InitTarget, opts: Omit<InitOptions, 'gen' | 'seed'> = {}): Tensor => constant(target, 0, opts),
  ones: (target: InitTarget, opts: Omit<InitOptions, 'gen' | 'seed'> = {}): Tensor => constant(target, 1, opts),
  xavierUniform,
  xavierNormal,
  kaimingUniform,
  kaimingNormal,
  truncNormal,
  orthogonal,
} as const;
