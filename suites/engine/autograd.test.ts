import { describe, expect, test } from 'vitest';
import {
  StateError, add, backward, exp, getBackend, grad, gradients, log, logsumexp, matmul, mul, div, noGrad, ones,
  sigmoid, softmax, sum, tanh, tensor, tidy, valueAndGrad, type Tensor,
} from '../../engine/index.js';

const f64 = (v: number[] | number, shape?: number[]) => tensor(typeof v === 'number' ? v : v, { dtype: 'float64', ...(shape ? { shape } : {}) });
const vals = (t: Tensor) => Array.from(t.dataSync());

describe('reverse-mode autodiff', () => {
  test('backward accumulates into leaves, including a tensor used twice', () => {
    const x = f64([1, 2, 3]).requireGrad();
    const y = sum(add(mul(x, x), x)); // d/dx (x^2 + x) = 2x + 1
    backward(y);
    expect(vals(x.grad!)).toEqual([3, 5, 7]);
    backward(sum(x)); // grads accumulate across calls, as in PyTorch
    expect(vals(x.grad!)).toEqual([4, 6, 8]);
  });

  test('backward with an explicit upstream gradient', () => {
    const x = f64([1, 2]).requireGrad();
    const y = mul(x, 3);
    backward(y, f64([10, 100]));
    expect(vals(x.grad!)).toEqual([30, 300]);
  });

  test('backward of a non-scalar without dOut is a StateError naming backward and the shape', () => {
    const x = f64([1, 2]).requireGrad();
    expect(() => backward(mul(x, 2))).toThrow(StateError);
    expect(() => backward(mul(x, 2))).toThrow('backward: output of shape (2) is not a scalar');
  });

  test('noGrad records nothing; detach cuts the graph', () => {
    const x = f64([1, 2]).requireGrad();
    const y = noGrad(() => mul(x, x));
    expect(y.requiresGrad).toBe(false);
    const z = mul(x.detach(), x);
    backward(sum(z));
    expect(vals(x.grad!)).toEqual([1, 2]);
  });

  test('requireGrad on a non-leaf is an error', () => {
    const x = f64([1]).requireGrad();
    expect(() => mul(x, 2).requireGrad()).toThrow(/requireGrad: .* is not a leaf \(it was produced by mul\)/);
  });

  test('grad and valueAndGrad return the value and the gradients for chosen arguments', () => {
    const f = (a: Tensor, b: Tensor) => sum(mul(a, b));
    const [v, [ga, gb]] = valueAndGrad(f, [0, 1])(f64([1, 2]), f64([3, 4]));
    expect(v.item()).toBe(11);
    expect(vals(ga!)).toEqual([3, 4]);
    expect(vals(gb!)).toEqual([1, 2]);
    expect(vals(grad(f, 1)(f64([1, 2]), f64([3, 4])))).toEqual([1, 2]);
  });

  test('gradients() of an unused input is null', () => {
    const x = f64([1]).requireGrad(), y = f64([2]).requireGrad();
    expect(gradients([mul(x, 2)], [f64([1])], [x, y])[1]).toBeNull();
  });

  test('grad of grad: d2/dx2 x^3 = 6x', () => {
    const cube = (x: Tensor) => sum(mul(mul(x, x), x));
    const d2 = grad((x: Tensor) => sum(grad(cube)(x)));
    expect(vals(d2(f64([0.5, -2])))).toEqual([3, -12]);
  });
});

// Second derivatives against closed forms (elementwise, so d2/dx2 sum f(x) = f''(x)).
describe('second derivatives match analytic values', () => {
  const xs = [-1.3, -0.4, 0.2, 0.9, 1.7];
  const pos = [0.3, 0.8, 1.5, 2.4];
  const second = (f: (x: Tensor) => Tensor, at: number[]) => vals(grad((x: Tensor) => sum(grad((y: Tensor) => sum(f(y)))(x)))(f64(at)));
  const close = (got: number[], want: number[]) => got.forEach((g, i) => expect(g).toBeCloseTo(want[i]!, 12));

  test('tanh: (tanh)″ = -2 tanh (1 - tanh²)', () => close(second(tanh, xs), xs.map((x) => -2 * Math.tanh(x) * (1 - Math.tanh(x) ** 2))));
  test('sigmoid: σ″ = σ(1-σ)(1-2σ)', () => {
    const s = (x: number) => 1 / (1 + Math.exp(-x));
    close(second(sigmoid, xs), xs.map((x) => s(x) * (1 - s(x)) * (1 - 2 * s(x))));
  });
  test('exp: exp″ = exp', () => close(second(exp, xs), xs.map(Math.exp)));
  test('log: log″ = -1/x²', () => close(second(log, pos), pos.map((x) => -1 / x ** 2)));

  test('mul: the mixed partial of sum(a*b) is the identity, pure partials vanish', () => {
    const a = f64([1.5, -2]), b = f64([0.5, 3]);
    // d/db of (d/da sum(a*b) = b) summed = 1 per element; d/da of it = 0
    const dadb = grad((bb: Tensor) => sum(grad((aa: Tensor) => sum(mul(aa, bb)))(a)))(b);
    expect(vals(dadb)).toEqual([1, 1]);
    const daa = grad((aa: Tensor) => sum(grad((x: Tensor) => sum(mul(x, b)))(aa)))(a);
    expect(vals(daa)).toEqual([0, 0]);
  });

  test('div: d2/db2 (a/b) = 2a/b³ and d2/dadb (a/b) = -1/b²', () => {
    const a = f64([1.5, -2]), bv = [0.5, 3];
    const dbb = grad((b: Tensor) => sum(grad((y: Tensor) => sum(div(a, y)))(b)))(f64(bv));
    close(vals(dbb), [2 * 1.5 / 0.5 ** 3, (2 * -2) / 3 ** 3]);
    const dab = grad((b: Tensor) => sum(grad((x: Tensor) => sum(div(x, b)))(a)))(f64(bv));
    close(vals(dab), bv.map((b) => -1 / b ** 2));
  });

  test('matmul: the Hessian of sum((A B)²) w.r.t. A along direction U is 2 U B Bᵀ', () => {
    const A = f64([1, 2, -1, 0.5], [2, 2]), B = f64([0.3, -1, 2, 1.5], [2, 2]), U = f64([1, 0, -2, 1], [2, 2]);
    // g(A) = 2 (A B) Bᵀ, so d/dA <g(A), U> = 2 U B Bᵀ
    const hv = grad((a: Tensor) => sum(mul(grad((x: Tensor) => sum(mul(matmul(x, B), matmul(x, B))))(a), U)))(A);
    const Bv = [[0.3, -1], [2, 1.5]], Uv = [[1, 0], [-2, 1]];
    const BBt = [0, 1].map((i) => [0, 1].map((j) => Bv[i]![0]! * Bv[j]![0]! + Bv[i]![1]! * Bv[j]![1]!));
    const want = [0, 1].flatMap((i) => [0, 1].map((j) => 2 * (Uv[i]![0]! * BBt[0]![j]! + Uv[i]![1]! * BBt[1]![j]!)));
    close(vals(hv), want);
  });

  test('logsumexp: Hessian = diag(p) - p pᵀ with p = softmax(x)', () => {
    const x = [0.3, -1.2, 2.0];
    const m = Math.max(...x), z = x.map((v) => Math.exp(v - m)), s = z.reduce((a, b) => a + b, 0), p = z.map((v) => v / s);
    const w = [1, -0.5, 2];
    // grad of <∇lse(x), w> = H w = p*w - p (p·w)
    const pw = p.reduce((acc, pi, i) => acc + pi * w[i]!, 0);
    const hv = grad((y: Tensor) => sum(mul(grad((t: Tensor) => logsumexp(t))(y), f64(w))))(f64(x));
    close(vals(hv), p.map((pi, i) => pi * w[i]! - pi * pw));
  });

  test('softmax: d2 y_0 / dx_j dx_k = y0 ((δ0j - yj)(δ0k - yk) - yj (δjk - yk))', () => {
    const x = [0.5, -0.3, 1.1];
    const z = x.map(Math.exp), s = z.reduce((a, b) => a + b, 0), y = z.map((v) => v / s);
    const d = (i: number, j: number) => (i === j ? 1 : 0);
    const H = [0, 1, 2].map((j) => [0, 1, 2].map((k) => y[0]! * ((d(0, j) - y[j]!) * (d(0, k) - y[k]!) - y[j]! * (d(j, k) - y[k]!))));
    const e0 = f64([1, 0, 0]), u = [0.7, -1, 0.2];
    const hv = grad((t: Tensor) => sum(mul(grad((q: Tensor) => sum(mul(softmax(q), e0)))(t), f64(u))))(f64(x));
    close(vals(hv), H.map((row) => row.reduce((acc, h, k) => acc + h * u[k]!, 0)));
  });
});

describe('memory', () => {
  test('tidy releases intermediates: the live-buffer count is flat across training steps', () => {
    const ref = getBackend('ref');
    const w = f64([0.5, -0.25, 1]).requireGrad();
    const step = () =>
      tidy(() => {
        const loss = sum(mul(exp(mul(w, 0.1)), ones([3], { dtype: 'float64' })));
        backward(loss);
        noGrad(() => {
          const next = add(w, 0); // stands in for an optimizer update
          next.dispose();
        });
        w.grad?.dispose();
        w.grad = null;
      });
    step();
    const before = ref.memory().liveBuffers;
    for (let i = 0; i < 20; i++) step();
    expect(ref.memory().liveBuffers).toBe(before);
  });

  test('tidy keeps returned tensors and their graph; using a disposed tensor is a StateError', () => {
    let inner: Tensor | undefined;
    const out = tidy(() => {
      inner = mul(f64([1, 2]), 2);
      return add(f64([1, 1]), 1);
    });
    expect(vals(out)).toEqual([2, 2]);
    expect(inner!.disposed).toBe(true);
    expect(() => add(inner!, 1)).toThrow(/add: tensor #\d+ of shape \(2\) was disposed/);
  });

  test('detach shares the buffer, which is released with the last tensor using it', () => {
    const ref = getBackend('ref');
    const a = f64([1, 2, 3]);
    const before = ref.memory().liveBuffers;
    const b = a.detach();
    a.dispose();
    expect(vals(b)).toEqual([1, 2, 3]);
    expect(ref.memory().liveBuffers).toBe(before);
    b.dispose();
    expect(ref.memory().liveBuffers).toBe(before - 1);
  });
});

describe('assign', () => {
  test('replaces a leaf in place and shares the buffer with the source', () => {
    const ref = getBackend('ref');
    const p = f64([1, 2]).requireGrad();
    const before = ref.memory().liveBuffers;
    const next = noGrad(() => add(p, p));
    p.assign(next);
    next.dispose();
    expect(vals(p)).toEqual([2, 4]);
    expect(p.requiresGrad).toBe(true);
    expect(ref.memory().liveBuffers).toBe(before);
  });

  test('rejects a source of another shape and a non-leaf target', () => {
    const p = f64([1, 2]).requireGrad();
    expect(() => p.assign(f64([1, 2, 3]))).toThrow('assign: source (3) float64 does not match target (2) float64');
    expect(() => mul(p, 2).assign(f64([1, 2]))).toThrow(/assign: .* is not a leaf \(it was produced by mul\)/);
  });
});
