// linear: y = act(x Wᵀ + b) + residual. The fused op against loops written here (float64), against
// its own decomposition (matmul, add, the activation op), the native fused-epilogue GEMM against
// the float64 oracle on shapes that cross its tile, K-block and threading boundaries, typed errors
// for bad input, and the Linear layer's activation and residual options.
// torch-parity.test.ts checks the forward values against PyTorch; gradcheck.test.ts the VJP.
import { describe, expect, test } from 'vitest';
import {
  DTypeError, LINEAR_ACTIVATIONS, OPS, ShapeError, ValueError, add, backendStatus, fallbackCounts, fromArray, gelu, grad,
  linear, matmul, randn, relu, requiredBackends, silu, sum, tensor, type LinearActivation, type Tensor,
} from '../../engine/index.js';
import { Linear } from '../../engine/nn/index.js';
import { expectError } from '../harness/expect.js';

const rn = (shape: number[], seed: number, dtype: 'float32' | 'float64' = 'float64'): Tensor => randn(shape, { seed, dtype });
const flat = (t: Tensor): number[] => Array.from(t.dataSync());

/** The activation as separate ops (the composition linear fuses). */
function act(z: Tensor, a: LinearActivation): Tensor {
  if (a === 'relu') return relu(z);
  if (a === 'gelu') return gelu(z);
  if (a === 'gelu_tanh') return gelu(z, { approximate: 'tanh' });
  if (a === 'silu') return silu(z);
  return z;
}

describe('linear on ref', () => {
  test('x Wᵀ + b matches loops written here, for a vector x and a batched x', () => {
    const w = tensor([[1, 2, 3], [-1, 0, 0.5]], { dtype: 'float64' }); // (2, 3)
    const b = tensor([0.25, -4], { dtype: 'float64' });
    // Row x = (1, -1, 2): (1 - 2 + 6, -1 + 0 + 1) + b = (5.25, -4).
    expect(flat(linear(tensor([1, -1, 2], { dtype: 'float64' }), w, b))).toEqual([5.25, -4]);
    const x = rn([2, 3, 3], 1);
    const y = linear(x, w, b, { activation: 'relu' });
    expect(y.shape).toEqual([2, 3, 2]);
    const xs = flat(x), ws = flat(w), bs = flat(b), ys = flat(y);
    for (let r = 0; r < 6; r++)
      for (let j = 0; j < 2; j++) {
        let z = bs[j]!;
        for (let k = 0; k < 3; k++) z += xs[r * 3 + k]! * ws[j * 3 + k]!;
        expect(ys[r * 2 + j]).toBeCloseTo(Math.max(z, 0), 14);
      }
  });

  test.each(LINEAR_ACTIVATIONS.map((a) => [a]))('activation %s with bias and residual equals the unfused composition', (a) => {
    const x = rn([4, 5, 7], 2), w = rn([6, 7], 3), b = rn([6], 4), r = rn([4, 5, 6], 5);
    const fused = flat(linear(x, w, b, { activation: a, residual: r }));
    const parts = flat(add(act(add(matmul(x, w, { transB: true }), b), a), r));
    fused.forEach((v, i) => expect(Math.abs(v - parts[i]!)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(parts[i]!))));
  });

  test('zero-size dims: K = 0 gives act(b) + r; M = 0 and N = 0 give empty outputs', () => {
    const y = linear(tensor([[], []], { dtype: 'float64' }), rn([3, 0], 1), tensor([-1, 0, 2], { dtype: 'float64' }), { activation: 'relu', residual: tensor([[1, 1, 1], [0, 0, 0]], { dtype: 'float64' }) });
    expect(flat(y)).toEqual([1, 1, 3, 0, 0, 2]);
    expect(linear(rn([0, 4], 1), rn([3, 4], 2)).shape).toEqual([0, 3]);
    expect(linear(rn([2, 4], 1), rn([0, 4], 2)).shape).toEqual([2, 0]);
  });

  test('gradients of x, W, b and the residual match the unfused composition (gelu, second order too)', () => {
    const x = rn([3, 4], 6), w = rn([5, 4], 7), b = rn([5], 8), r = rn([3, 5], 9);
    const f = (xx: Tensor, ww: Tensor, bb: Tensor, rr: Tensor) => sum(linear(xx, ww, bb, { activation: 'gelu', residual: rr }));
    const g = (xx: Tensor, ww: Tensor, bb: Tensor, rr: Tensor) => sum(add(gelu(add(matmul(xx, ww, { transB: true }), bb)), rr));
    for (let i = 0; i < 4; i++) {
      const pick = (h: typeof f) => (v: Tensor) => h(...([x, w, b, r].map((t, k) => (k === i ? v : t)) as [Tensor, Tensor, Tensor, Tensor]));
      const arg = [x, w, b, r][i]!;
      const d1 = flat(grad(pick(f))(arg)), d2 = flat(grad(pick(g))(arg));
      d1.forEach((v, k) => expect(v).toBeCloseTo(d2[k]!, 12));
    }
    // d²/dx² through gelu: grad of sum(grad) against the composition.
    const h1 = flat(grad((v: Tensor) => sum(grad((u: Tensor) => f(u, w, b, r))(v)))(x));
    const h2 = flat(grad((v: Tensor) => sum(grad((u: Tensor) => g(u, w, b, r))(v)))(x));
    h1.forEach((v, k) => expect(v).toBeCloseTo(h2[k]!, 10));
  });

  test('bad inputs raise typed errors naming the argument', () => {
    const x = rn([2, 3], 1), w = rn([4, 3], 2);
    expectError(() => linear(x, rn([4, 5], 3)), ShapeError, 'linear', 'in_features = 5');
    expectError(() => linear(x, rn([3], 3)), ShapeError, 'weight (3) must be 2-D');
    expectError(() => linear(rn([], 1), w), ShapeError, 'x () must have at least 1 dimension');
    expectError(() => linear(x, w, rn([3], 4)), ShapeError, 'bias (3) must have shape (4)');
    expectError(() => linear(x, w, null, { residual: rn([2, 1], 5) }), ShapeError, 'residual (2,1)', '(2,4)');
    expectError(() => linear(x, w, null, { activation: 'tanh' as LinearActivation }), ValueError, "activation 'tanh'");
    expectError(() => linear(tensor([[1, 2, 3]], { dtype: 'int32' }), w), DTypeError, 'x (1,3) has dtype int32');
    expectError(() => OPS.linear.infer([x, w, rn([4], 1), rn([2, 4], 1)].map((t) => ({ shape: t.shape, dtype: t.dtype })), {}), ValueError, '4 inputs with residual: false');
    expectError(() => OPS.linear.infer([x].map((t) => ({ shape: t.shape, dtype: t.dtype })), {}), ValueError, 'expects 2 to 4 tensor inputs');
  });
});

describe('Linear layer', () => {
  test('activation and residual options equal the unfused layer math; default stays x Wᵀ + b', () => {
    const plain = new Linear(6, 3);
    const fused = new Linear(6, 3, { activation: 'silu' });
    const x = randn([2, 4, 6], { seed: 2 }), r = randn([2, 4, 3], { seed: 3 });
    const unfused = (l: Linear) => add(matmul(x, l.weight, { transB: true }), l.bias!);
    const base = flat(unfused(plain));
    flat(plain.forward(x)).forEach((v, i) => expect(v).toBeCloseTo(base[i]!, 5));
    const want = flat(add(silu(unfused(fused)), r));
    flat(fused.forward(x, r)).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 5));
    expectError(() => new Linear(2, 2, { activation: 'swish' as LinearActivation }), ValueError, "activation 'swish'");
  });
});

// ---- native: the sgemm with the epilogue fused into each C tile ---------------------------------

const native = backendStatus('native');
const nativeSuite = native.available || requiredBackends().includes('native') ? describe : describe.skip;

/** Float32 values of a ref randn, uploaded to `backend` (same values on both). */
function f32(shape: number[], seed: number, backend: string): Tensor {
  return fromArray(randn(shape, { seed, dtype: 'float32' }).dataSync(), shape, 'float32', { backend });
}

nativeSuite('linear on native (fused epilogue)', () => {
  // Shapes (x, N): single element, edge tiles on every side, K across the 256 block, threaded M.
  const SHAPES: [number[], number][] = [[[1, 1], 1], [[7, 5], 17], [[3, 129], 1], [[2, 19, 300], 33], [[300, 600], 70], [[129, 33], 129]];
  const cases = SHAPES.flatMap(([xs, N]) => LINEAR_ACTIVATIONS.map((a, i) => ({ xs, N, a, bias: i % 2 === 0, res: i % 3 !== 1 })));

  test.each(cases.map((c) => [`x ${c.xs.join('x')}, N ${c.N}, ${c.a}${c.bias ? ', bias' : ''}${c.res ? ', residual' : ''}`, c] as const))(
    '%s matches the float64 oracle within the float32 GEMM bound',
    (_label, c) => {
      const K = c.xs[c.xs.length - 1]!, M = c.xs.slice(0, -1).reduce((p, d) => p * d, 1);
      const inputs = (backend: string) => ({
        x: f32(c.xs, 1, backend), w: f32([c.N, K], 2, backend), b: c.bias ? f32([c.N], 3, backend) : null,
        r: c.res ? f32([...c.xs.slice(0, -1), c.N], 4, backend) : null,
      });
      const n = inputs('native'), o = inputs('ref');
      const before = fallbackCounts().get('linear') ?? 0;
      const got = flat(linear(n.x, n.w, n.b, { activation: c.a, residual: n.r }));
      expect(fallbackCounts().get('linear') ?? 0, 'the native kernel ran, not the decomposition').toBe(before);
      const want = flat(linear(o.x, o.w, o.b, { activation: c.a, residual: o.r })); // float64 inside, ref
      const xs = flat(o.x), ws = flat(o.w), bs = o.b ? flat(o.b) : null, rs = o.r ? flat(o.r) : null;
      expect(got).toHaveLength(M * c.N);
      for (let i = 0; i < M; i++)
        for (let j = 0; j < c.N; j++) {
          let mag = Math.abs(bs?.[j] ?? 0);
          for (let k = 0; k < K; k++) mag += Math.abs(xs[i * K + k]! * ws[j * K + k]!);
          const e = i * c.N + j;
          // K + 2 roundings of at most 2^-24 each on |x||w| + |b|, the activation's few ulps, the residual add.
          const tol = (K + 8) * 2 ** -24 * (mag + Math.abs(rs?.[e] ?? 0) + Math.abs(want[e]!)) + 1e-30;
          expect(Math.abs(got[e]! - want[e]!), `(${i}, ${j}): native ${got[e]}, oracle ${want[e]}`).toBeLessThanOrEqual(tol);
        }
    },
    60_000,
  );

  test('K = 0: the epilogue alone, act(b) + r, on every tile (edge tiles too)', () => {
    const M = 13, N = 21;
    const b = f32([N], 8, 'native'), r = f32([M, N], 9, 'native');
    const y = flat(linear(fromArray(new Float32Array(0), [M, 0], 'float32', { backend: 'native' }), fromArray(new Float32Array(0), [N, 0], 'float32', { backend: 'native' }), b, { activation: 'relu', residual: r }));
    const bs = flat(b), rs = flat(r);
    y.forEach((v, e) => expect(v).toBe(Math.fround(Math.max(bs[e % N]!, 0) + rs[e]!)));
  });

  test('NaN in x reaches only its own row (the epilogue does not spread or hide it)', () => {
    const xs = randn([9, 40], { seed: 5, dtype: 'float32' }).dataSync() as Float32Array;
    xs[3 * 40 + 7] = NaN;
    const x = fromArray(xs, [9, 40], 'float32', { backend: 'native' });
    const y = flat(linear(x, f32([20, 40], 6, 'native'), f32([20], 7, 'native'), { activation: 'relu' }));
    y.forEach((v, e) => expect(Number.isNaN(v), `element ${e}`).toBe(Math.floor(e / 20) === 3));
  });
});
