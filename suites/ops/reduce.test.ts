// Reductions (mean, prod, max, min, var, std, logsumexp, argmax, argmin, cumsum) and softmax /
// log_softmax. Forward values are derived by hand (comments give the arithmetic); edge cases
// follow PyTorch (empty sets, ties, NaN, -inf, logits of ±1e4); second derivatives are compared
// with Hessians written out analytically; every typed error names the op, the argument and shape.
import { describe, expect, test } from 'vitest';
import {
  AxisError, DTypeError, ValueError, argmax, argmin, backward, cumsum, gradients, logSoftmax, logSoftmaxOp, logsumexp, max, mean,
  min, mul, onesLike, prod, softmax, softmaxOp, std, sum, tensor, variance, type Tensor,
} from '../../engine/index.js';
import { expectError } from '../harness/expect.js';

const f64 = (v: number[], shape?: number[]) => tensor(v, { dtype: 'float64', ...(shape ? { shape } : {}) });
const vals = (t: Tensor) => Array.from(t.dataSync());
function close(got: ArrayLike<number>, want: ArrayLike<number>, tol = 1e-12): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!, w = want[i]!;
    if (!Number.isFinite(w)) expect(g).toBe(w);
    else expect(Math.abs(g - w), `index ${i}: got ${g}, want ${w}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(w)));
  }
}
/** d sum(f(x)) / dx for a float64 leaf x. */
function gradOf(f: (x: Tensor) => Tensor, x: number[], shape?: number[]): number[] {
  const t = f64(x, shape).requireGrad();
  backward(sum(f(t)));
  return vals(t.grad!);
}
/** Full Hessian of the scalar f at x, row k = d/dx (dF/dx_k), through grad of grad. */
function hessian(f: (x: Tensor) => Tensor, x: number[]): number[][] {
  const t = f64(x).requireGrad();
  const y = f(t);
  const [g] = gradients([y], [onesLike(y)], [t], { createGraph: true });
  return x.map((_, k) => {
    const e = f64(x.map((__, j) => (j === k ? 1 : 0)));
    const [row] = gradients([g!], [e], [t]);
    return row ? vals(row) : x.map(() => 0);
  });
}
const M = () => f64([1, 2, 3, 4, 5, 6], [2, 3]); // [[1,2,3],[4,5,6]]

describe('mean', () => {
  test('over axes, all, negative axes and keepdims', () => {
    close(vals(mean(M(), { axes: 0 })), [2.5, 3.5, 4.5]); // (1+4)/2, (2+5)/2, (3+6)/2
    close(vals(mean(M(), { axes: -1 })), [2, 5]); // 6/3, 15/3
    expect(mean(M()).item()).toBe(3.5); // 21/6
    expect(mean(M(), { axes: 1, keepdims: true }).shape).toEqual([2, 1]);
    expect(mean(M(), { axes: [] }).shape).toEqual([2, 3]);
  });

  test('an empty reduction is NaN (0/0) like torch; empty outputs stay empty', () => {
    expect(Number.isNaN(mean(f64([])).item())).toBe(true);
    const e = mean(tensor([], { dtype: 'float64', shape: [2, 0] }), { axes: 1 });
    expect(e.shape).toEqual([2]);
    expect(vals(e).every(Number.isNaN)).toBe(true);
    expect(mean(tensor([], { dtype: 'float64', shape: [0, 3] }), { axes: 1 }).shape).toEqual([0]);
  });

  test('gradient is 1/N at every position', () => {
    close(gradOf((x) => mean(x), [1, 2, 3, 4, 5, 6], [2, 3]), Array(6).fill(1 / 6));
    close(gradOf((x) => mean(x, { axes: 1 }), [1, 2, 3, 4, 5, 6], [2, 3]), Array(6).fill(1 / 3));
  });

  test('typed errors name the op, the argument and the shape', () => {
    expectError(() => mean(tensor([1, 2], { dtype: 'int32' })), DTypeError, 'mean: x (2) has dtype int32');
    expectError(() => mean(M(), { axes: 2 }), AxisError, 'mean: axes 2 is out of range [-2, 2) for a tensor of shape (2,3)');
    expectError(() => mean(M(), { axes: [1, -1] }), AxisError, 'mean: axes (1,-1) repeats axis 1', '(2,3)');
  });
});

describe('prod', () => {
  test('forward: rows, all, empty set = 1, ints stay integer', () => {
    close(vals(prod(M(), { axes: 1 })), [6, 120]); // 1*2*3, 4*5*6
    expect(prod(M()).item()).toBe(720);
    expect(prod(f64([])).item()).toBe(1);
    const i = prod(tensor([2, 3, 4], { dtype: 'int32' }));
    expect(i.dtype).toBe('int32');
    expect(i.item()).toBe(24);
  });

  test('gradient prod_{j != i} x_j, exact with zeros (torch prod_backward)', () => {
    close(gradOf((x) => prod(x), [2, 3, 4]), [12, 8, 6]); // 3*4, 2*4, 2*3
    close(gradOf((x) => prod(x), [2, 0, 4]), [0, 8, 0]); // only the zero's neighbours' product survives
    close(gradOf((x) => prod(x), [0, 3, 0]), [0, 0, 0]); // two zeros: every partial product has a zero
    close(gradOf((x) => prod(x, { axes: 1 }), [1, 0, 3, 4, 5, 6], [2, 3]), [0, 3, 0, 30, 24, 20]);
  });

  test('second derivatives at zeros: H_ij = prod_{k != i,j} x_k, H_ii = 0', () => {
    // x = (2, 0, 4, 5): H_01 = 4*5, H_12 = 2*5, H_13 = 2*4, pairs without index 1 contain the zero.
    const H1 = [[0, 20, 0, 0], [20, 0, 10, 8], [0, 10, 0, 0], [0, 8, 0, 0]];
    hessian((x) => prod(x), [2, 0, 4, 5]).forEach((row, i) => close(row, H1[i]!));
    // x = (0, 3, 0): only H_02 = H_20 = 3 is non-zero.
    const H2 = [[0, 0, 3], [0, 0, 0], [3, 0, 0]];
    hessian((x) => prod(x), [0, 3, 0]).forEach((row, i) => close(row, H2[i]!));
    // No zeros, x = (2, 3, 4): H_ij = x_k for the remaining k.
    const H3 = [[0, 4, 3], [4, 0, 2], [3, 2, 0]];
    hessian((x) => prod(x), [2, 3, 4]).forEach((row, i) => close(row, H3[i]!));
  });

  test('a bad axis names prod and the shape', () => {
    expectError(() => prod(M(), { axes: -3 }), AxisError, 'prod: axes -3 is out of range [-2, 2) for a tensor of shape (2,3)');
  });
});

describe('max and min (torch.amax / amin)', () => {
  const X = () => f64([1, 5, 3, 4, 2, 6], [2, 3]); // [[1,5,3],[4,2,6]]
  test('over axes, all, keepdims; dtype kept', () => {
    close(vals(max(X(), { axes: 1 })), [5, 6]);
    close(vals(max(X(), { axes: 0 })), [4, 5, 6]);
    close(vals(min(X(), { axes: -1 })), [1, 2]);
    expect(max(X()).item()).toBe(6);
    expect(min(X()).item()).toBe(1);
    expect(max(X(), { axes: [0, 1], keepdims: true }).shape).toEqual([1, 1]);
    const i = max(tensor([3, -7, 2], { dtype: 'int32' }));
    expect(i.dtype).toBe('int32');
    expect(i.item()).toBe(3);
  });

  test('the gradient goes to the extremum and is split evenly between ties', () => {
    close(gradOf((x) => max(x), [1, 5, 3]), [0, 1, 0]);
    close(gradOf((x) => max(x), [1, 3, 3]), [0, 0.5, 0.5]);
    close(gradOf((x) => min(x), [2, 2, 5, 2]), [1 / 3, 1 / 3, 0, 1 / 3]);
    close(gradOf((x) => max(x, { axes: 1 }), [1, 5, 5, 4, 2, 6], [2, 3]), [0, 0.5, 0.5, 0, 0, 1]);
  });

  test('NaN propagates', () => {
    expect(Number.isNaN(max(f64([1, NaN, 2])).item())).toBe(true);
    expect(Number.isNaN(min(f64([NaN, 1, 2])).item())).toBe(true);
  });

  test('an empty reduction is a ValueError; empty outputs are fine', () => {
    expectError(() => max(tensor([], { dtype: 'float64', shape: [2, 0] }), { axes: 1 }), ValueError, 'max: x (2,0): reduction over axis 1 of size 0');
    expectError(() => min(f64([])), ValueError, 'min: x (0)', 'size 0');
    expect(max(tensor([], { dtype: 'float64', shape: [0, 3] }), { axes: 1 }).shape).toEqual([0]);
  });
});

describe('var and std', () => {
  // x = (1,2,3,4): mean 2.5, sum of squares about the mean = 2.25+0.25+0.25+2.25 = 5.
  const x = [1, 2, 3, 4];
  test('correction: N-1 by default, N with 0, torch semantics at the edges', () => {
    expect(variance(f64(x)).item()).toBeCloseTo(5 / 3, 14);
    expect(variance(f64(x), { correction: 0 }).item()).toBeCloseTo(1.25, 14);
    expect(std(f64(x)).item()).toBeCloseTo(Math.sqrt(5 / 3), 14);
    // rows (1,2): 0.5/1; (3,5): mean 4, 1+1 = 2, /1
    close(vals(variance(f64([1, 2, 3, 5], [2, 2]), { axes: 1 })), [0.5, 2]);
    expect(Number.isNaN(variance(f64([7])).item())).toBe(true); // 0/0: one sample, correction 1
    expect(variance(f64([7]), { correction: 0 }).item()).toBe(0);
    expect(variance(f64([1, 2]), { correction: 3 }).item()).toBe(Infinity); // 0.5 / max(0, -1)
  });

  test('gradients: var 2(x - mean)/(N - c), std (x - mean)/((N - c) std), 0 where std = 0', () => {
    close(gradOf((t) => variance(t), x), [-1, -1 / 3, 1 / 3, 1]); // 2*(-1.5,-.5,.5,1.5)/3
    const s = Math.sqrt(5 / 3);
    close(gradOf((t) => std(t), x), [-1.5, -0.5, 0.5, 1.5].map((d) => d / (3 * s)));
    close(gradOf((t) => std(t), [2, 2, 2]), [0, 0, 0]); // torch masks the 0/0
  });

  test('typed errors', () => {
    expectError(() => variance(tensor([1, 2], { dtype: 'int32' })), DTypeError, 'var: x (2) has dtype int32');
    expectError(() => std(f64(x), { correction: NaN }), ValueError, 'std: correction NaN must be a finite number');
    expectError(() => std(f64(x), { axes: 1 }), AxisError, 'std: axes 1 is out of range [-1, 1) for a tensor of shape (4)');
  });
});

describe('logsumexp', () => {
  test('log(1+2+3) = log 6; rows; keepdims', () => {
    expect(logsumexp(f64([0, Math.log(2), Math.log(3)])).item()).toBeCloseTo(Math.log(6), 14);
    // rows of (0,0) and (1,1): log 2 and 1 + log 2
    close(vals(logsumexp(f64([0, 0, 1, 1], [2, 2]), { axes: 1 })), [Math.log(2), 1 + Math.log(2)], 1e-15);
    expect(logsumexp(M(), { axes: 0, keepdims: true }).shape).toEqual([1, 3]);
  });

  test('stable at ±1e4 in float64 and float32', () => {
    expect(logsumexp(f64([1e4, 1e4])).item()).toBe(1e4 + Math.log(2));
    expect(logsumexp(f64([-1e4, -1e4])).item()).toBeCloseTo(-1e4 + Math.log(2), 10);
    expect(logsumexp(f64([1e4, -1e4, 0])).item()).toBe(1e4); // exp(-1e4) and exp(-2e4) vanish beside 1
    expect(logsumexp(tensor([1e4, 1e4])).item()).toBeCloseTo(1e4 + Math.log(2), 2);
    const g = gradOf((t) => logsumexp(t), [1e4, 1e4, -1e4]);
    close(g, [0.5, 0.5, 0]);
  });

  test('-inf entries contribute nothing; all -inf or empty gives -inf', () => {
    expect(logsumexp(f64([-Infinity, 0])).item()).toBe(0);
    expect(logsumexp(f64([-Infinity, -Infinity])).item()).toBe(-Infinity);
    expect(logsumexp(f64([])).item()).toBe(-Infinity);
    expect(logsumexp(f64([Infinity, 1])).item()).toBe(Infinity);
    expect(Number.isNaN(logsumexp(f64([NaN, 1])).item())).toBe(true);
  });

  test('Hessian = diag(p) - p pᵀ with p = softmax(x)', () => {
    // d lse/dx_i = p_i; d p_i/dx_j = p_i (δij - p_j).
    const x = [0.5, -1, 2];
    const z = x.map(Math.exp), s = z.reduce((a, b) => a + b, 0), p = z.map((v) => v / s);
    const H = hessian((t) => logsumexp(t), x);
    H.forEach((row, i) => close(row, p.map((pj, j) => (i === j ? p[i]! : 0) - p[i]! * pj), 1e-14));
  });

  test('int input is a DTypeError', () => {
    expectError(() => logsumexp(tensor([1, 2], { dtype: 'int32' })), DTypeError, 'logsumexp: x (2) has dtype int32');
  });
});

describe('argmax and argmin', () => {
  const X = () => f64([1, 5, 3, 4, 6, 6], [2, 3]); // [[1,5,3],[4,6,6]]
  test('indices along an axis, or into the flattened tensor; ties give the first', () => {
    expect(vals(argmax(X(), { axis: 1 }))).toEqual([1, 1]); // row 2 ties at 1 and 2
    expect(vals(argmax(X(), { axis: 0 }))).toEqual([1, 1, 1]);
    expect(vals(argmin(X(), { axis: -1 }))).toEqual([0, 0]);
    expect(argmax(X()).item()).toBe(4); // first 6 at flat position 4
    expect(argmin(X()).item()).toBe(0);
    expect(argmax(X()).dtype).toBe('int32');
    expect(argmax(tensor([3, 9, 9], { dtype: 'int32' })).item()).toBe(1);
  });

  test('keepdims shapes (torch): a kept axis is 1; no axis keeps every dim as 1', () => {
    expect(argmax(X(), { axis: 1, keepdims: true }).shape).toEqual([2, 1]);
    expect(argmin(X(), { keepdims: true }).shape).toEqual([1, 1]);
    expect(argmax(X()).shape).toEqual([]);
    expect(argmax(f64([7], [])).item()).toBe(0);
  });

  test('NaN counts as the extremum; no gradient flows', () => {
    expect(argmax(f64([1, NaN, 3])).item()).toBe(1);
    expect(argmin(f64([1, 3, NaN, NaN])).item()).toBe(2);
    const x = f64([1, 2]).requireGrad();
    expect(argmax(x).requiresGrad).toBe(false);
  });

  test('typed errors: empty reduction, bool input, axis out of range', () => {
    expectError(() => argmax(f64([])), ValueError, 'argmax: x (0): reduction over axis 0 of size 0');
    expectError(() => argmin(tensor([], { dtype: 'float64', shape: [0, 3] }), { axis: 0 }), ValueError, 'argmin: x (0,3)', 'axis 0');
    expect(argmin(tensor([], { dtype: 'float64', shape: [0, 3] }), { axis: 1 }).shape).toEqual([0]);
    expectError(() => argmax(tensor([true, false])), DTypeError, 'argmax: x (2) has dtype bool');
    expectError(() => argmax(X(), { axis: 2 }), AxisError, 'argmax: axis 2 is out of range [-2, 2) for a tensor of shape (2,3)');
    expectError(() => argmax(X(), { axis: [0, 1] as never }), ValueError, 'argmax: axis 0,1 must be a single integer', '(2,3)');
  });
});

describe('cumsum', () => {
  test('running sums, reversed from the end, along any axis', () => {
    expect(vals(cumsum(f64([1, 2, 3, 4]), { axis: 0 }))).toEqual([1, 3, 6, 10]);
    expect(vals(cumsum(f64([1, 2, 3, 4]), { axis: -1, reverse: true }))).toEqual([10, 9, 7, 4]);
    expect(cumsum(M(), { axis: 0 }).toArray()).toEqual([[1, 2, 3], [5, 7, 9]]);
    expect(cumsum(M(), { axis: 1, reverse: true }).toArray()).toEqual([[6, 5, 3], [15, 11, 6]]);
    expect(cumsum(f64([5], []), { axis: 0 }).item()).toBe(5);
  });

  test('ints and bools accumulate in int32', () => {
    const i = cumsum(tensor([1, 2, 3], { dtype: 'int32' }), { axis: 0 });
    expect(i.dtype).toBe('int32');
    expect(vals(i)).toEqual([1, 3, 6]);
    expect(vals(cumsum(tensor([true, false, true]), { axis: 0 }))).toEqual([1, 1, 2]);
  });

  test('gradient is the cumsum of dOut in the opposite direction', () => {
    // d/dx_j sum_i w_i cumsum(x)_i = sum_{i >= j} w_i; w = (1,2,3,4) -> (10,9,7,4)
    const w = f64([1, 2, 3, 4]);
    close(gradOf((x) => mul(cumsum(x, { axis: 0 }), w), [0, 0, 0, 0]), [10, 9, 7, 4]);
    close(gradOf((x) => mul(cumsum(x, { axis: 0, reverse: true }), w), [0, 0, 0, 0]), [1, 3, 6, 10]);
  });

  test('typed errors', () => {
    expectError(() => cumsum(M(), {} as never), ValueError, 'cumsum: axis is required', '(2,3)');
    expectError(() => cumsum(M(), { axis: 2 }), AxisError, 'cumsum: axis 2 is out of range [-2, 2) for a tensor of shape (2,3)');
  });
});

describe('softmax and log_softmax', () => {
  const L = [0, Math.log(2), Math.log(3)]; // exp: 1, 2, 3; sum 6
  test('values: softmax = (1,2,3)/6, log_softmax = log of that; the default axis is -1', () => {
    close(vals(softmax(f64(L))), [1 / 6, 2 / 6, 3 / 6], 1e-15);
    close(vals(logSoftmax(f64(L))), [Math.log(1 / 6), Math.log(2 / 6), Math.log(3 / 6)], 1e-15);
    const rows = softmax(f64([...L, 5, 5, 5], [2, 3]));
    close(vals(rows), [1 / 6, 2 / 6, 3 / 6, 1 / 3, 1 / 3, 1 / 3], 1e-15);
    // along axis 0 every column sums to 1: columns (0,5), (log 2,5), (log 3,5)
    const cols = vals(softmax(f64([...L, 5, 5, 5], [2, 3]), { axis: 0 }));
    close([cols[0]! + cols[3]!, cols[1]! + cols[4]!, cols[2]! + cols[5]!], [1, 1, 1], 1e-15);
    expect(softmax(f64([3], [])).item()).toBe(1);
    expect(logSoftmax(f64([3], [])).item()).toBe(0);
  });

  test('finite and exact at logits of ±1e4 (float64 and float32)', () => {
    for (const dtype of ['float64', 'float32'] as const) {
      const x = tensor([1e4, 0, -1e4], { dtype });
      expect(vals(softmax(x))).toEqual([1, 0, 0]); // exp(-1e4) underflows to 0 beside 1
      expect(vals(logSoftmax(x))).toEqual([0, -1e4, -2e4]);
      close(vals(softmax(tensor([1e4, 1e4], { dtype }))), [0.5, 0.5]);
      close(vals(logSoftmax(tensor([-1e4, -1e4], { dtype }))), [-Math.LN2, -Math.LN2], 1e-7);
    }
    // gradients stay finite: d/dx sum(w * log_softmax(x)) = w - softmax(x) sum(w)
    close(gradOf((x) => mul(logSoftmax(x), f64([1, 2, 3])), [1e4, 0, -1e4]), [1 - 6, 2, 3]);
  });

  test('-inf entries get probability 0; a row of all -inf is NaN (torch)', () => {
    close(vals(softmax(f64([-Infinity, 0, 0]))), [0, 0.5, 0.5]);
    close(vals(logSoftmax(f64([-Infinity, 0, 0]))), [-Infinity, -Math.LN2, -Math.LN2], 1e-15);
    expect(vals(softmax(f64([-Infinity, -Infinity]))).every(Number.isNaN)).toBe(true);
    expect(vals(logSoftmax(f64([-Infinity, -Infinity]))).every(Number.isNaN)).toBe(true);
  });

  test('the kernels match their decompositions (the second oracle), values and gradients', () => {
    // Deterministic logits in (-3, 3) for a (3,4,5) tensor.
    const data = Array.from({ length: 60 }, (_, i) => 3 * Math.sin(1.7 * i + 0.3));
    const w = f64(Array.from({ length: 60 }, (_, i) => Math.cos(0.9 * i)), [3, 4, 5]);
    for (const axis of [0, 1, 2, -1, undefined]) {
      for (const [def, fused] of [[softmaxOp, softmax], [logSoftmaxOp, logSoftmax]] as const) {
        const attrs = axis === undefined ? {} : { axis };
        const a = f64(data, [3, 4, 5]).requireGrad(), b = f64(data, [3, 4, 5]).requireGrad();
        const yk = fused(a, attrs), yd = def.decompose!([b], attrs)[0]!;
        close(vals(yk), vals(yd), 1e-14);
        backward(sum(mul(yk, w)));
        backward(sum(mul(yd, w)));
        close(vals(a.grad!), vals(b.grad!), 1e-13);
      }
    }
    const empty = tensor([], { dtype: 'float64', shape: [2, 0] });
    expect(softmaxOp.decompose!([empty], {})[0]!.shape).toEqual([2, 0]);
    expect(softmax(empty).shape).toEqual([2, 0]);
  });

  test('softmax second derivatives: d²y_i/dx_j dx_k = y_i ((δij - y_j)(δik - y_k) - y_j (δjk - y_k))', () => {
    // dy_i/dx_j = y_i (δij - y_j); differentiating again by x_k with dy_i/dx_k = y_i (δik - y_k):
    // y_i (δik - y_k)(δij - y_j) - y_i y_j (δjk - y_k).
    const x = [0.5, -0.3, 1.1];
    const z = x.map(Math.exp), s = z.reduce((a, b) => a + b, 0), y = z.map((v) => v / s);
    const d = (a: number, b: number) => (a === b ? 1 : 0);
    for (let i = 0; i < 3; i++) {
      const e = f64([0, 1, 2].map((k) => d(i, k)));
      const H = hessian((t) => sum(mul(softmax(t), e)), x);
      H.forEach((row, j) => close(row, [0, 1, 2].map((k) => y[i]! * ((d(i, j) - y[j]!) * (d(i, k) - y[k]!) - y[j]! * (d(j, k) - y[k]!))), 1e-14));
    }
  });

  test('log_softmax second derivatives: d²y_i/dx_j dx_k = -p_j (δjk - p_k) for every i', () => {
    // y_i = x_i - lse(x): the Hessian of y_i is minus the Hessian of lse.
    const x = [0.2, 1.3, -0.7];
    const z = x.map(Math.exp), s = z.reduce((a, b) => a + b, 0), p = z.map((v) => v / s);
    const H = hessian((t) => sum(mul(logSoftmax(t), f64([0, 1, 0]))), x);
    H.forEach((row, j) => close(row, p.map((pk, k) => -p[j]! * ((j === k ? 1 : 0) - pk)), 1e-14));
  });

  test('typed errors name the op, the argument and the shape', () => {
    expectError(() => softmax(tensor([1, 2], { dtype: 'int32' })), DTypeError, 'softmax: x (2) has dtype int32');
    expectError(() => logSoftmax(M(), { axis: 2 }), AxisError, 'log_softmax: axis 2 is out of range [-2, 2) for a tensor of shape (2,3)');
    expectError(() => softmax(M(), { axis: -3 }), AxisError, 'softmax: axis -3', '(2,3)');
  });
});
