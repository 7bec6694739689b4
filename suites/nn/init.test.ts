// Initializers (torch.nn.init): gains and fans by hand, statistics of large draws against the
// distributions' closed forms, orthogonality (and that the result is the Q of the QR of the very
// normal draw the RNG spec gives), truncNormal's inverse-CDF construction, reproducibility from a
// seed or a Generator, in-place filling, and typed errors.
import { describe, expect, test } from 'vitest';
import { DTypeError, Generator, ShapeError, ValueError, init, rand, randn, tensor, zeros, type Tensor } from '../../engine/index.js';
import { erf, normalCdf } from '../../kernels/ref/math.js';
import { expectError } from '../harness/expect.js';

const vals = (t: Tensor) => Array.from(t.dataSync());
function stats(v: readonly number[]) {
  const n = v.length;
  const mean = v.reduce((a, b) => a + b, 0) / n;
  const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  return { mean, std, min: v.reduce((a, b) => Math.min(a, b)), max: v.reduce((a, b) => Math.max(a, b)) };
}
/** Sample mean within 5 standard errors of `mean`, sample std within `rel` of `std`. */
function expectMoments(v: readonly number[], mean: number, std: number, rel = 0.02): void {
  const s = stats(v);
  expect(Math.abs(s.mean - mean), `mean ${s.mean}, want ${mean}`).toBeLessThan((5 * std) / Math.sqrt(v.length));
  expect(Math.abs(s.std / std - 1), `std ${s.std}, want ${std}`).toBeLessThan(rel);
}
describe('gains and fans', () => {
  test('calculateGain follows torch.nn.init.calculate_gain', () => {
    for (const n of ['linear', 'conv1d', 'conv2d', 'conv_transpose2d', 'sigmoid'] as const) expect(init.calculateGain(n)).toBe(1);
    expect(init.calculateGain('tanh')).toBe(5 / 3);
    expect(init.calculateGain('relu')).toBe(Math.SQRT2);
    expect(init.calculateGain('leaky_relu')).toBe(Math.sqrt(2 / (1 + 0.01 ** 2))); // default slope 0.01
    expect(init.calculateGain('leaky_relu', 0.2)).toBe(Math.sqrt(2 / 1.04));
    expect(init.calculateGain('selu')).toBe(0.75);
    expectError(() => init.calculateGain('swish' as never), ValueError, "calculateGain: unsupported nonlinearity 'swish'");
  });

  test('fan_in = in·receptive field, fan_out = out·receptive field', () => {
    expect(init.calculateFanInAndFanOut([5, 3])).toEqual([3, 5]); // Linear weight (out, in)
    expect(init.calculateFanInAndFanOut([8, 4, 3, 3])).toEqual([36, 72]); // Conv2d (out, in, kh, kw)
    expectError(() => init.calculateFanInAndFanOut([5]), ShapeError, 'calculateFanInAndFanOut: tensor (5): fan in and fan out need at least 2 dimensions');
  });
});

describe('distributions of large draws', () => {
  test('uniform and normal', () => {
    const u = vals(init.uniform([100_000], { seed: 1, low: -2, high: 3 }));
    expectMoments(u, 0.5, 5 / Math.sqrt(12)); // U(a, b): mean (a+b)/2, std (b-a)/√12
    expect(stats(u).min).toBeGreaterThanOrEqual(-2);
    expect(stats(u).max).toBeLessThan(3);
    expectMoments(vals(init.normal([100_000], { seed: 2, mean: -1, std: 0.5 })), -1, 0.5);
  });

  test('xavierUniform: U(-a, a) with a = gain·√(6/(fan_in + fan_out))', () => {
    const w = vals(init.xavierUniform([200, 300], { seed: 3, gain: 2 }));
    const a = 2 * Math.sqrt(6 / 500);
    const s = stats(w);
    expect(s.min).toBeGreaterThanOrEqual(-a);
    expect(s.max).toBeLessThan(a);
    expect(s.max).toBeGreaterThan(0.99 * a);
    expectMoments(w, 0, a / Math.sqrt(3));
  });

  test('xavierNormal: std = gain·√(2/(fan_in + fan_out))', () => {
    expectMoments(vals(init.xavierNormal([16, 8, 5, 5], { seed: 4, gain: init.calculateGain('tanh') })), 0, (5 / 3) * Math.sqrt(2 / (200 + 400)));
  });

  test('kaimingUniform: bound √3·gain/√fan; fan_in by default, fan_out on request', () => {
    const shape = [256, 128, 3];
    const fanIn = 128 * 3, fanOut = 256 * 3;
    const w = vals(init.kaimingUniform(shape, { seed: 5, nonlinearity: 'relu' }));
    const bound = Math.sqrt(3) * (Math.SQRT2 / Math.sqrt(fanIn));
    expect(Math.max(-stats(w).min, stats(w).max)).toBeLessThan(bound);
    expectMoments(w, 0, bound / Math.sqrt(3));
    // Default nonlinearity leaky_relu with a = √5 is torch's Linear/Conv default: bound 1/√fan_in.
    const d = vals(init.kaimingUniform(shape, { seed: 6, a: Math.sqrt(5), mode: 'fan_out' }));
    expect(Math.abs(stats(d).std * Math.sqrt(3) * Math.sqrt(fanOut) - 1)).toBeLessThan(0.02);
  });

  test('kaimingNormal: std = gain/√fan', () => {
    const gain = Math.sqrt(2 / (1 + 0.1 ** 2));
    expectMoments(vals(init.kaimingNormal([300, 200], { seed: 7, a: 0.1, mode: 'fan_out' })), 0, gain / Math.sqrt(300));
  });

  test('truncNormal stays in [a, b] and has the truncated normal moments', () => {
    const [mu, sigma, a, b] = [1, 2, -1, 2];
    const x = vals(init.truncNormal([200_000], { seed: 8, mean: mu, std: sigma, a, b, dtype: 'float64' }));
    expect(stats(x).min).toBeGreaterThanOrEqual(a);
    expect(stats(x).max).toBeLessThanOrEqual(b);
    // α = (a−μ)/σ, β = (b−μ)/σ, Z = Φ(β) − Φ(α); mean μ + σ(φ(α) − φ(β))/Z,
    // variance σ²[1 + (αφ(α) − βφ(β))/Z − ((φ(α) − φ(β))/Z)²]
    const phi = (z: number) => Math.exp(-z * z / 2) / Math.sqrt(2 * Math.PI);
    const al = (a - mu) / sigma, be = (b - mu) / sigma, Z = normalCdf(be) - normalCdf(al);
    const m = mu + (sigma * (phi(al) - phi(be))) / Z;
    const v = sigma ** 2 * (1 + (al * phi(al) - be * phi(be)) / Z - ((phi(al) - phi(be)) / Z) ** 2);
    expectMoments(x, m, Math.sqrt(v), 0.01);
  });

  test('truncNormal is the inverse CDF of the RNG spec uniform draw: erf((x−μ)/(σ√2)) = u', () => {
    // torch's method: u ~ U(2Φ(α) − 1, 2Φ(β) − 1), x = μ + σ√2·erfinv(u). The same generator state
    // gives the same u through rand (engine/rng.ts), so applying erf recovers u.
    const [mu, sigma, a, b] = [0.5, 0.3, 0, 3];
    const x = vals(init.truncNormal([1000], { gen: new Generator(9, 40), mean: mu, std: sigma, a, b, dtype: 'float64' }));
    const lo = 2 * normalCdf((a - mu) / sigma) - 1, hi = 2 * normalCdf((b - mu) / sigma) - 1;
    const u = vals(rand([1000], { gen: new Generator(9, 40), low: lo, high: hi, dtype: 'float64' }));
    // Rounding x (|x| <= 3) costs ~3ε/(σ√2) in the argument of erf; Giles' approximation alone would be off by ~1e-7.
    x.forEach((xi, i) => expect(Math.abs(erf((xi - mu) / (sigma * Math.SQRT2)) - u[i]!), `element ${i}`).toBeLessThan(2e-15));
  });
});

describe('orthogonal', () => {
  /** Gram matrix of the rows (byRows) or columns of a (r, c) row-major matrix. */
  function gram(v: readonly number[], r: number, c: number, byRows: boolean): number[][] {
    const [n, len] = byRows ? [r, c] : [c, r];
    const at = (i: number, k: number) => (byRows ? v[i * c + k]! : v[k * c + i]!);
    return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => {
      let s = 0;
      for (let k = 0; k < len; k++) s += at(i, k) * at(j, k);
      return s;
    }));
  }
  function expectScaledIdentity(g: number[][], scale: number, tol: number): void {
    g.forEach((row, i) => row.forEach((x, j) => expect(Math.abs(x - (i === j ? scale : 0)), `(${i},${j})`).toBeLessThan(tol)));
  }

  test('tall: orthonormal columns, and Qᵀ·A is upper triangular with a positive diagonal for the drawn A', () => {
    const [r, c] = [40, 12];
    const q = vals(init.orthogonal([r, c], { gen: new Generator(10), dtype: 'float64' }));
    expectScaledIdentity(gram(q, r, c, false), 1, 1e-13);
    // A is the normal draw the RNG spec gives for the same generator; A = QR, so QᵀA = R.
    const A = vals(randn([r, c], { gen: new Generator(10), dtype: 'float64' }));
    for (let i = 0; i < c; i++) {
      for (let j = 0; j < c; j++) {
        let s = 0;
        for (let k = 0; k < r; k++) s += q[k * c + i]! * A[k * c + j]!;
        if (i > j) expect(Math.abs(s), `R(${i},${j})`).toBeLessThan(1e-12);
        if (i === j) expect(s).toBeGreaterThan(0);
      }
    }
  });

  test('wide and conv-shaped: orthonormal rows; gain scales', () => {
    expectScaledIdentity(gram(vals(init.orthogonal([12, 40], { seed: 11, dtype: 'float64' })), 12, 40, true), 1, 1e-13);
    expectScaledIdentity(gram(vals(init.orthogonal([16, 4, 3, 3], { seed: 12, gain: 2 })), 16, 36, true), 4, 1e-5); // float32
    const sq = vals(init.orthogonal([30, 30], { seed: 13, dtype: 'float64' }));
    expectScaledIdentity(gram(sq, 30, 30, true), 1, 1e-13);
    expectScaledIdentity(gram(sq, 30, 30, false), 1, 1e-13);
  });

  test('rank < 2 is a ShapeError', () => {
    expectError(() => init.orthogonal([5]), ShapeError, 'orthogonal: tensor (5) must have at least 2 dimensions');
  });
});

describe('sources, in-place filling and errors', () => {
  test('the same seed gives the same weights; a Generator advances between draws', () => {
    expect(vals(init.kaimingNormal([6, 5], { seed: 3 }))).toEqual(vals(init.kaimingNormal([6, 5], { seed: 3 })));
    expect(vals(init.kaimingNormal([6, 5], { seed: 3 }))).not.toEqual(vals(init.kaimingNormal([6, 5], { seed: 4 })));
    const gen = new Generator(5);
    const first = vals(init.orthogonal([4, 4], { gen })), second = vals(init.orthogonal([4, 4], { gen }));
    expect(first).not.toEqual(second);
    expect(vals(init.orthogonal([4, 4], { gen: new Generator(5) }))).toEqual(first);
    expect(gen.offset).toBe(32); // two draws of 16 normal words
  });

  test('a tensor target is filled in place (same object, its dtype) with the values of the shape form', () => {
    const w = zeros([8, 3], { dtype: 'float64' });
    const out = init.truncNormal(w, { seed: 21, std: 0.02 });
    expect(out).toBe(w);
    expect(w.dtype).toBe('float64');
    expect(vals(w)).toEqual(vals(init.truncNormal([8, 3], { seed: 21, std: 0.02, dtype: 'float64' })));
    init.xavierUniform(w, { seed: 22 });
    expect(vals(w)).toEqual(vals(init.xavierUniform([8, 3], { seed: 22, dtype: 'float64' })));
    expect(vals(init.ones(w))).toEqual(Array(24).fill(1));
    expect(vals(init.zeros([2, 2]))).toEqual([0, 0, 0, 0]);
    expect(vals(init.constant(tensor([1, 2], { dtype: 'int32' }), 7))).toEqual([7, 7]);
  });

  test('zero-size tensors pass through kaiming initializers', () => {
    expect(init.kaimingUniform([0, 3], { seed: 1 }).shape).toEqual([0, 3]);
    expect(init.kaimingNormal([3, 0], { seed: 1 }).shape).toEqual([3, 0]);
  });

  test('typed errors name the initializer and the problem', () => {
    expectError(() => init.kaimingUniform([3, 4], { mode: 'fan_avg' as never }), ValueError, "kaimingUniform: mode 'fan_avg' must be 'fan_in' or 'fan_out'");
    expectError(() => init.xavierNormal([7]), ShapeError, 'xavierNormal: tensor (7): fan in and fan out need at least 2 dimensions');
    expectError(() => init.truncNormal([3], { a: 1, b: 1 }), ValueError, 'truncNormal: a 1 must be less than b 1');
    expectError(() => init.truncNormal([3], { std: 0 }), ValueError, 'truncNormal: std 0 must be a finite number > 0');
    expectError(() => init.normal(tensor([1, 2], { dtype: 'int32' })), DTypeError, 'normal: tensor (2) has dtype int32');
  });
});
