// Normalization, embedding and dropout ops: layer_norm, rms_norm, batch_norm, group_norm,
// instance_norm, embedding, dropout. Forward values derived by hand (derivations in comments),
// identities between the norms, the fused kernel against its decomposition (values, gradients
// and second derivatives), PyTorch edge cases and typed errors. Dropout is checked against its
// spec (engine/rng.ts), since torch's masks come from a different generator.
import { describe, expect, test } from 'vitest';
import {
  DTypeError, Generator, OPS, add, ShapeError, ValueError, apply, batchNorm, dropout, dropoutWith, embedding, gradients, groupNorm,
  instanceNorm, layerNorm, mul, ones, randn, rmsNorm, sum, tensor, zeros, type AnyOp, type Tensor,
} from '../../engine/index.js';
import { U24, philoxWords } from '../../engine/rng.js';
import { expectClose, expectError } from '../harness/expect.js';

const f64 = (data: Parameters<typeof tensor>[0]): Tensor => tensor(data, { dtype: 'float64' });
const i32 = (data: Parameters<typeof tensor>[0]): Tensor => tensor(data, { dtype: 'int32' });
const normal = (shape: number[], seed: number): Tensor => randn(shape, { seed, dtype: 'float64' });
const values = (t: Tensor): number[] => Array.from(t.dataSync());

/**
 * The fused kernel and the op's decomposition agree on values, on the gradient for a random
 * cotangent v, and on the second derivative d<grad, w>/d inputs (the VJP is differentiable).
 */
function matchesDecomposition(def: AnyOp, raw: Tensor[], attrs: unknown, seed = 7): void {
  const run = (f: (xs: Tensor[]) => Tensor) => {
    const xs = raw.map((t) => t.detach().requireGrad());
    const y = f(xs);
    const v = normal([...y.shape], seed);
    const g = gradients([y], [v], xs, { createGraph: true });
    const ws = xs.map((x, i) => normal([...x.shape], seed + 1 + i));
    const s = g.reduce<Tensor | null>((acc, gi, i) => (gi ? (acc ? add(acc, sum(mul(gi, ws[i]!))) : sum(mul(gi, ws[i]!))) : acc), null);
    const h = gradients([s!], [ones([], { dtype: 'float64' })], xs);
    return { y: values(y), g: g.map((t) => (t ? values(t) : [])), h: h.map((t) => (t ? values(t) : [])) };
  };
  const fused = run((xs) => apply(def, xs, attrs)[0]!);
  const decomposed = run((xs) => def.decompose!(xs, attrs)[0]!);
  expectClose(fused.y, decomposed.y, 1e-12);
  fused.g.forEach((g, i) => expectClose(g, decomposed.g[i]!, 1e-10));
  fused.h.forEach((h, i) => expectClose(h, decomposed.h[i]!, 1e-9));
}

describe('layer_norm', () => {
  test('normalizes the trailing dims: hand-computed values', () => {
    // Row [1, 2, 3, 4]: mean 2.5, biased var (2.25 + 0.25 + 0.25 + 2.25) / 4 = 1.25; eps = 0:
    // y = (x - 2.5) / sqrt(1.25) = [-1.5, -0.5, 0.5, 1.5] / 1.118033988749895.
    // Row [2, 2, 2, 6]: mean 3, var (1 + 1 + 1 + 9) / 4 = 3, y = [-1, -1, -1, 3] / sqrt(3).
    const x = f64([[1, 2, 3, 4], [2, 2, 2, 6]]);
    const s5 = Math.sqrt(1.25), s3 = Math.sqrt(3);
    expectClose(layerNorm(x, [4], null, null, 0), [-1.5 / s5, -0.5 / s5, 0.5 / s5, 1.5 / s5, -1 / s3, -1 / s3, -1 / s3, 3 / s3]);
    // weight and bias act per position of the normalized dims: y * w + b.
    const w = f64([1, 2, 3, 4]), b = f64([0, 1, 0, -1]);
    expectClose(layerNorm(x, 4, w, b, 0), [
      -1.5 / s5, -1 / s5 + 1, 1.5 / s5, 6 / s5 - 1, -1 / s3, -2 / s3 + 1, -3 / s3, 12 / s3 - 1,
    ]);
    // eps enters under the square root: (x - 2.5) / sqrt(1.25 + 0.75) for the first row.
    expectClose(layerNorm(f64([1, 2, 3, 4]), [4], null, null, 0.75), [-1.5, -0.5, 0.5, 1.5].map((d) => d / Math.sqrt(2)));
  });

  test('normalizes over several trailing dims together; a bias alone is applied with weight = ones', () => {
    // x (2,2,2): each (2,2) block is one group. Block 0 = [0, 1, 2, 3]: mean 1.5, var 1.25.
    const x = f64([[[0, 1], [2, 3]], [[5, 5], [5, 9]]]);
    const y = layerNorm(x, [2, 2], null, null, 0);
    const s5 = Math.sqrt(1.25);
    // Block 1 = [5, 5, 5, 9]: mean 6, var (1 + 1 + 1 + 9) / 4 = 3.
    expectClose(y, [-1.5 / s5, -0.5 / s5, 0.5 / s5, 1.5 / s5, -1 / Math.sqrt(3), -1 / Math.sqrt(3), -1 / Math.sqrt(3), 3 / Math.sqrt(3)]);
    const b = f64([[1, 2], [3, 4]]);
    expectClose(layerNorm(x, [2, 2], null, b, 0), values(y).map((v, i) => v + [1, 2, 3, 4][i % 4]!));
  });

  test('output rows have mean 0 and biased variance var / (var + eps)', () => {
    const x = normal([3, 7], 1);
    const y = values(layerNorm(x, [7], null, null, 1e-5));
    const xs = values(x);
    for (let r = 0; r < 3; r++) {
      const row = y.slice(7 * r, 7 * r + 7), xr = xs.slice(7 * r, 7 * r + 7);
      const m = row.reduce((a, v) => a + v, 0) / 7;
      const xm = xr.reduce((a, v) => a + v, 0) / 7;
      const xv = xr.reduce((a, v) => a + (v - xm) ** 2, 0) / 7;
      expect(Math.abs(m)).toBeLessThan(1e-14);
      expect(row.reduce((a, v) => a + v * v, 0) / 7).toBeCloseTo(xv / (xv + 1e-5), 13);
    }
  });

  test('an empty normalizedShape normalizes each element alone: the output is the bias (torch)', () => {
    const x = f64([3, -1, 2]);
    expectClose(layerNorm(x, []), [0, 0, 0]);
    expectClose(layerNorm(x, [], null, f64(0.5)), [0.5, 0.5, 0.5]);
  });

  test('the fused kernel matches the decomposition: values, gradients, second derivatives', () => {
    matchesDecomposition(OPS.layer_norm, [normal([2, 3, 4], 1), normal([3, 4], 2), normal([3, 4], 3)], { normalizedShape: [3, 4] });
    matchesDecomposition(OPS.layer_norm, [normal([5, 3], 4), normal([3], 5)], { normalizedShape: [3], eps: 0.1 });
    matchesDecomposition(OPS.layer_norm, [normal([4], 6)], { normalizedShape: [4] });
    matchesDecomposition(OPS.layer_norm, [normal([2, 4], 7), normal([4], 8)], { normalizedShape: [4], biasOnly: true });
  });

  test('errors name the op, the argument and the shapes', () => {
    const x = zeros([2, 3, 4], { dtype: 'float64' });
    expectError(() => layerNorm(x, [3]), ShapeError, 'layer_norm:', 'x (2,3,4)', 'normalizedShape (3)');
    expectError(() => layerNorm(x, [1, 2, 3, 4]), ShapeError, 'layer_norm:', 'x (2,3,4)', 'normalizedShape (1,2,3,4)');
    expectError(() => layerNorm(x, [4], zeros([3], { dtype: 'float64' })), ShapeError, 'layer_norm:', 'weight (3)', 'shape (4)', 'x (2,3,4)');
    expectError(() => layerNorm(x, [3, 4], null, zeros([4], { dtype: 'float64' })), ShapeError, 'layer_norm:', 'bias (4)', 'shape (3,4)');
    expectError(() => layerNorm(x, [4], zeros([4])), DTypeError, 'layer_norm:', 'weight (4)', 'float32', 'float64');
    expectError(() => layerNorm(zeros([2, 4], { dtype: 'int32' }), [4]), DTypeError, 'layer_norm:', 'x (2,4)', 'int32');
    expectError(() => layerNorm(x, [4], null, null, -1), ValueError, 'layer_norm:', 'eps -1');
    expectError(() => layerNorm(x, [-4]), ValueError, 'layer_norm:', 'normalizedShape');
  });
});

describe('rms_norm', () => {
  test('divides by the root mean square: hand-computed values', () => {
    // [3, 4]: mean(x^2) = (9 + 16) / 2 = 12.5, y = x / sqrt(12.5 + eps); eps = 0 -> [0.8485.., 1.1313..].
    expectClose(rmsNorm(f64([3, 4]), [2], null, 0), [3 / Math.sqrt(12.5), 4 / Math.sqrt(12.5)]);
    // with weight [2, -1] and eps 0.5: x / sqrt(13) * w.
    expectClose(rmsNorm(f64([[3, 4]]), [2], f64([2, -1]), 0.5), [6 / Math.sqrt(13), -4 / Math.sqrt(13)]);
    // No centring: a constant row [c, c] gives c / sqrt(c^2) = 1, not 0 as layer_norm would.
    expectClose(rmsNorm(f64([5, 5]), [2], null, 0), [1, 1]);
  });

  test('eps defaults to torch.finfo(x.dtype).eps', () => {
    // x = 1e-8 (float64): y = x / sqrt(x^2 + 2^-52); x = 1e-4 (float32): y = x / sqrt(x^2 + 2^-23).
    expectClose(rmsNorm(f64([1e-8]), [1]), [1e-8 / Math.sqrt(1e-16 + 2 ** -52)]);
    const y32 = rmsNorm(tensor([1e-4], { dtype: 'float32' }), [1]).item();
    expect(y32).toBeCloseTo(Math.fround(1e-4) / Math.sqrt(Math.fround(1e-4) ** 2 + 2 ** -23), 6);
  });

  test('the fused kernel matches the decomposition: values, gradients, second derivatives', () => {
    matchesDecomposition(OPS.rms_norm, [normal([2, 3, 4], 11), normal([4], 12)], { normalizedShape: [4] });
    matchesDecomposition(OPS.rms_norm, [normal([3, 2, 2], 13)], { normalizedShape: [2, 2], eps: 0.1 });
  });

  test('errors name the op, the argument and the shapes', () => {
    const x = zeros([2, 3], { dtype: 'float64' });
    expectError(() => rmsNorm(x, [2]), ShapeError, 'rms_norm:', 'x (2,3)', 'normalizedShape (2)');
    expectError(() => rmsNorm(x, [3], zeros([2, 3], { dtype: 'float64' })), ShapeError, 'rms_norm:', 'weight (2,3)', 'shape (3)');
    expectError(() => apply(OPS.rms_norm, [x, x, x], { normalizedShape: [2, 3] }), ValueError, 'rms_norm:', '1 to 2 tensor inputs, got 3');
  });
});

describe('batch_norm', () => {
  // x (N=2, C=2): channel 0 holds {1, 3} (mean 2, biased var 1, unbiased 2),
  // channel 1 holds {10, 30} (mean 20, biased var 100, unbiased 200).
  const x = f64([[1, 10], [3, 30]]);

  test('training normalizes each channel by its batch statistics (biased variance)', () => {
    const { y } = batchNorm(x, { training: true, eps: 0 });
    expectClose(y, [-1, -1, 1, 1]);
    const eps = 1e-5;
    const w = f64([2, 3]), b = f64([0.5, -0.5]);
    // y = (x - mean) / sqrt(var + eps) * w + b, per channel.
    expectClose(batchNorm(x, { training: true, weight: w, bias: b }).y, [
      -2 / Math.sqrt(1 + eps) + 0.5, -30 / Math.sqrt(100 + eps) - 0.5, 2 / Math.sqrt(1 + eps) + 0.5, 30 / Math.sqrt(100 + eps) - 0.5,
    ]);
  });

  test('training updates the running stats with momentum and the unbiased variance', () => {
    // new mean = 0.9 * [0, 0] + 0.1 * [2, 20]; new var = 0.9 * [1, 1] + 0.1 * [2, 200].
    const r = batchNorm(x, { training: true, runningMean: f64([0, 0]), runningVar: f64([1, 1]) });
    expectClose(r.runningMean!, [0.2, 2]);
    expectClose(r.runningVar!, [1.1, 20.9]);
    // momentum 0.5 over a (N=1, C=1, L=3) input: mean 2, unbiased var of {1, 2, 3} = 1.
    const r2 = batchNorm(f64([[[1, 2, 3]]]), { training: true, momentum: 0.5, runningMean: f64([4]), runningVar: f64([3]) });
    expectClose(r2.runningMean!, [3]);
    expectClose(r2.runningVar!, [2]);
    // The update is not recorded for autodiff; without running stats they stay null.
    const xg = x.detach().requireGrad();
    const r3 = batchNorm(xg, { training: true, runningMean: f64([0, 0]), runningVar: f64([1, 1]) });
    expect(r3.y.requiresGrad).toBe(true);
    expect(r3.runningMean!.requiresGrad).toBe(false);
    expect(batchNorm(x, { training: true }).runningMean).toBeNull();
  });

  test('eval mode normalizes with the running stats and returns them unchanged', () => {
    const rm = f64([1, 20]), rv = f64([4, 25]);
    // y = (x - rm) / sqrt(rv): channel 0 (1 - 1) / 2, (3 - 1) / 2; channel 1 (10 - 20) / 5, (30 - 20) / 5.
    const r = batchNorm(x, { training: false, runningMean: rm, runningVar: rv, eps: 0 });
    expectClose(r.y, [0, -2, 1, 2]);
    expect(r.runningMean).toBe(rm);
    expect(r.runningVar).toBe(rv);
  });

  test('in training, sum(y) does not depend on x and d sum(y) / d bias = N * spatial', () => {
    // Each channel of xhat sums to 0 for every x, so the gradient of sum(y) w.r.t. x vanishes.
    const xs = normal([3, 2, 4], 21).requireGrad();
    const w = normal([2], 22).requireGrad(), b = normal([2], 23).requireGrad();
    const y = batchNorm(xs, { training: true, weight: w, bias: b }).y;
    const [dx, , db] = gradients([sum(y)], [ones([], { dtype: 'float64' })], [xs, w, b]);
    expect(Math.max(...values(dx!).map(Math.abs))).toBeLessThan(1e-12);
    expectClose(db!, [12, 12]);
  });

  test('the fused kernel matches the decomposition in training and eval mode', () => {
    const [xx, m, w, b] = [normal([4, 3, 2], 31), normal([3], 32), normal([3], 33), normal([3], 34)];
    const v = f64([0.5, 1.5, 2.5]);
    matchesDecomposition(OPS.batch_norm, [xx, w, b], { training: true });
    matchesDecomposition(OPS.batch_norm, [xx, m, v, w, b], { training: true, runningStats: true, eps: 0.1 });
    matchesDecomposition(OPS.batch_norm, [xx, m, v, w, b], { training: false, runningStats: true });
    matchesDecomposition(OPS.batch_norm, [normal([5, 3], 35), m, v], { training: false, runningStats: true });
    matchesDecomposition(OPS.batch_norm, [normal([5, 3], 36), m, v, b], { training: false, runningStats: true, biasOnly: true });
  });

  test('errors name the op, the argument and the shapes', () => {
    const c2 = f64([0, 0]);
    expectError(() => batchNorm(f64([1, 2, 3]), { training: true }), ShapeError, 'batch_norm:', 'x (3)', 'at least 2 dimensions');
    expectError(() => batchNorm(f64([[1, 2, 3]]), { training: true }), ValueError, 'batch_norm:', 'x (1,3)', 'more than 1 value per channel');
    expectError(() => batchNorm(x, { training: false }), ValueError, 'batch_norm:', 'eval mode', 'runningMean', 'x (2,2)');
    expectError(() => batchNorm(x, { training: true, runningMean: c2 }), ValueError, 'batch_norm:', 'runningMean and runningVar');
    expectError(() => batchNorm(x, { training: false, runningMean: f64([0, 0, 0]), runningVar: c2 }), ShapeError, 'batch_norm:', 'runningMean (3)', 'shape (2)');
    expectError(() => batchNorm(x, { training: true, weight: f64([1]) }), ShapeError, 'batch_norm:', 'weight (1)', 'shape (2)', 'x (2,2)');
    expectError(() => batchNorm(x, { training: true, bias: f64([1]) }), ShapeError, 'batch_norm:', 'bias (1)', 'shape (2)', 'x (2,2)');
    expectError(() => batchNorm(x, { training: true, momentum: NaN }), ValueError, 'batch_norm:', 'momentum NaN');
  });
});

describe('group_norm', () => {
  test('normalizes each group of channels per sample: hand-computed values', () => {
    // x (1, 4), G = 2: group 0 = channels {0, 1} = [1, 3] (mean 2, var 1), group 1 = [10, 20] (mean 15, var 25).
    expectClose(groupNorm(f64([[1, 3, 10, 20]]), 2, null, null, 0), [-1, 1, -1, 1]);
    // x (1, 2, 2), G = 1: all four values [0, 2, 4, 6] (mean 3, var 5) form one group; weight/bias per channel.
    const y = groupNorm(f64([[[0, 2], [4, 6]]]), 1, f64([1, 10]), f64([0, 1]), 0);
    const s = Math.sqrt(5);
    expectClose(y, [-3 / s, -1 / s, 10 / s + 1, 30 / s + 1]);
  });

  test('G = 1 is layer_norm over (C, *); G = C is instance_norm', () => {
    const x = normal([2, 4, 3], 41), w = normal([4], 42), b = normal([4], 43);
    expectClose(groupNorm(x, 1), values(layerNorm(x, [4, 3])), 1e-12);
    expectClose(groupNorm(x, 4, w, b), values(instanceNorm(x, w, b)), 1e-12);
  });

  test('the fused kernel matches the decomposition: values, gradients, second derivatives', () => {
    matchesDecomposition(OPS.group_norm, [normal([2, 6, 2, 2], 44), normal([6], 45), normal([6], 46)], { numGroups: 3 });
    matchesDecomposition(OPS.group_norm, [normal([3, 4], 47)], { numGroups: 2, eps: 0.1 });
  });

  test('errors name the op, the argument and the shapes', () => {
    const x = zeros([2, 6, 3], { dtype: 'float64' });
    expectError(() => groupNorm(x, 4), ValueError, 'group_norm:', 'numGroups 4', '6 channels', 'x (2,6,3)');
    expectError(() => groupNorm(x, 0), ValueError, 'group_norm:', 'numGroups 0');
    expectError(() => groupNorm(x, 3, zeros([3], { dtype: 'float64' })), ShapeError, 'group_norm:', 'weight (3)', 'shape (6)');
    expectError(() => groupNorm(zeros([6], { dtype: 'float64' }), 3), ShapeError, 'group_norm:', 'x (6)');
  });
});

describe('instance_norm', () => {
  test('normalizes each sample and channel over the spatial dims: hand-computed values', () => {
    // x (2, 1, 2): sample 0 = [1, 3] (mean 2, var 1), sample 1 = [0, 10] (mean 5, var 25).
    expectClose(instanceNorm(f64([[[1, 3]], [[0, 10]]]), null, null, 0), [-1, 1, -1, 1]);
    // weight 2, bias 1 on channel 0; a bias alone shifts xhat.
    expectClose(instanceNorm(f64([[[1, 3]]]), f64([2]), f64([1]), 0), [-1, 3]);
    expectClose(instanceNorm(f64([[[1, 3]]]), null, f64([1]), 0), [0, 2]);
  });

  test('on one sample it equals batch_norm in training mode', () => {
    const x = normal([1, 3, 2, 3], 51), w = normal([3], 52), b = normal([3], 53);
    expectClose(instanceNorm(x, w, b), values(batchNorm(x, { training: true, weight: w, bias: b }).y), 1e-12);
  });

  test('the fused kernel matches the decomposition: values, gradients, second derivatives', () => {
    matchesDecomposition(OPS.instance_norm, [normal([2, 3, 4], 54), normal([3], 55), normal([3], 56)], {});
    matchesDecomposition(OPS.instance_norm, [normal([2, 2, 2, 3], 57)], { eps: 0.1 });
  });

  test('errors name the op, the argument and the shapes', () => {
    expectError(() => instanceNorm(zeros([2, 3], { dtype: 'float64' })), ValueError, 'instance_norm:', 'x (2,3)', 'more than 1 spatial element');
    expectError(() => instanceNorm(zeros([2, 3, 1], { dtype: 'float64' })), ValueError, 'instance_norm:', 'x (2,3,1)');
    expectError(() => instanceNorm(zeros([2, 3, 4], { dtype: 'float64' }), zeros([4], { dtype: 'float64' })), ShapeError, 'instance_norm:', 'weight (4)', 'shape (3)');
    expectError(() => instanceNorm(zeros([2, 3, 4], { dtype: 'float64' }), null, zeros([4], { dtype: 'float64' })), ShapeError, 'instance_norm:', 'bias (4)', 'shape (3)');
  });
});

describe('embedding', () => {
  const weight = f64([[0, 1], [10, 11], [20, 21]]);

  test('looks up rows: out has shape (...indices.shape, D)', () => {
    const y = embedding(i32([[2, 0], [1, 2]]), weight);
    expect(y.shape).toEqual([2, 2, 2]);
    expect(y.toArray()).toEqual([[[20, 21], [0, 1]], [[10, 11], [20, 21]]]);
    // A 0-d index gives one row of shape (D); an empty index gives (0, D).
    expect(embedding(i32(1), weight).toArray()).toEqual([10, 11]);
    expect(embedding(tensor(new Int32Array(0), { dtype: 'int32', shape: [0] }), weight).shape).toEqual([0, 2]);
  });

  test('the weight gradient accumulates repeated indices; the padding row gets none but is still looked up (torch)', () => {
    // sum(embedding(idx, w) * c): row k of dW is the sum of c's rows where idx == k.
    const idx = i32([0, 2, 0, 1]);
    const c = f64([[1, 2], [3, 4], [5, 6], [7, 8]]);
    const w = weight.detach().requireGrad();
    const [dw] = gradients([sum(mul(embedding(idx, w), c))], [ones([], { dtype: 'float64' })], [w]);
    expect(dw!.toArray()).toEqual([[6, 8], [7, 8], [3, 4]]);
    const y = embedding(idx, w, { paddingIdx: 0 });
    expect(y.toArray()).toEqual([[0, 1], [20, 21], [0, 1], [10, 11]]);
    const [dwPad] = gradients([sum(mul(y, c))], [ones([], { dtype: 'float64' })], [w]);
    expect(dwPad!.toArray()).toEqual([[0, 0], [7, 8], [3, 4]]);
    // A negative paddingIdx counts from the end: -1 is row 2.
    const [dwNeg] = gradients([sum(mul(embedding(idx, w, { paddingIdx: -1 }), c))], [ones([], { dtype: 'float64' })], [w]);
    expect(dwNeg!.toArray()).toEqual([[6, 8], [7, 8], [0, 0]]);
  });

  test('the kernel matches the decomposition (index_select)', () => {
    const idx = i32([[1, 1, 0], [2, 0, 2]]);
    const w = normal([3, 4], 61);
    expect(values(embedding(idx, w))).toEqual(values(OPS.embedding.decompose!([idx, w], {})[0]!));
  });

  test('an index out of range is a ValueError naming the op and the value', () => {
    expectError(() => embedding(i32([0, 3]), weight), ValueError, 'embedding:', 'value 3', '[0, 3)', 'weight (3,2)');
    expectError(() => embedding(i32([-1]), weight), ValueError, 'embedding:', 'value -1');
  });

  test('errors name the op, the argument and the shapes', () => {
    expectError(() => embedding(f64([0, 1]), weight), DTypeError, 'embedding:', 'indices (2)', 'float64', 'int32');
    expectError(() => embedding(i32([0]), f64([1, 2])), ShapeError, 'embedding:', 'weight (2)', '2-dimensional');
    expectError(() => embedding(i32([0]), weight, { paddingIdx: 3 }), ValueError, 'embedding:', 'paddingIdx 3', '[-3, 3)', 'weight (3,2)');
    expectError(() => embedding(i32([0]), i32([[1]])), DTypeError, 'embedding:', 'weight (1,1)');
  });
});

describe('dropout', () => {
  /** keep_i = u_i >= p from words offset .. offset + n - 1 of the (seed) stream (engine/rng.ts). */
  function specMask(n: number, p: number, seed: number, offset: number): number[] {
    const words = new Uint32Array(n);
    philoxWords(seed, offset, words);
    return Array.from(words, (w) => ((w >>> 8) * U24 >= p ? 1 : 0));
  }

  test('the mask is the one computed from philoxWords; kept values are scaled by 1 / (1 - p)', () => {
    const n = 1000, p = 0.3;
    const y = values(dropout(ones([n], { dtype: 'float64' }), { p, seed: 123, offset: 8 }));
    const mask = specMask(n, p, 123, 8);
    y.forEach((v, i) => expect(v).toBe(mask[i] ? 1 / 0.7 : 0));
  });

  test('the same (seed, offset) gives the same mask; another offset or seed gives another', () => {
    const x = normal([64], 71);
    const a = values(dropout(x, { p: 0.5, seed: 5, offset: 0 }));
    expect(values(dropout(x, { p: 0.5, seed: 5, offset: 0 }))).toEqual(a);
    expect(values(dropout(x, { p: 0.5, seed: 5, offset: 1 }))).not.toEqual(a);
    expect(values(dropout(x, { p: 0.5, seed: 6, offset: 0 }))).not.toEqual(a);
    // Element i uses word offset + i: shifting the offset by k shifts the mask by k.
    const m0 = specMask(80, 0.5, 5, 0), m16 = values(dropout(ones([64], { dtype: 'float64' }), { p: 0.5, seed: 5, offset: 16 })).map((v) => (v ? 1 : 0));
    expect(m16).toEqual(m0.slice(16, 80));
  });

  test('the kept fraction is about 1 - p (within 5 binomial standard deviations)', () => {
    const n = 100_000;
    for (const p of [0.1, 0.5, 0.9]) {
      const kept = values(dropout(ones([n], { dtype: 'float64' }), { p, seed: 99, offset: 0 })).filter((v) => v !== 0).length;
      expect(Math.abs(kept - n * (1 - p))).toBeLessThan(5 * Math.sqrt(n * p * (1 - p)));
    }
  });

  test('p = 0 is the identity, p = 1 gives zeros', () => {
    const x = normal([10], 72);
    expect(values(dropout(x, { p: 0, seed: 1, offset: 0 }))).toEqual(values(x));
    expect(values(dropout(x, { p: 1, seed: 1, offset: 0 }))).toEqual(new Array(10).fill(0));
  });

  test('the gradient uses the identical mask: d sum(dropout(x) * c) / dx = keep * c / (1 - p)', () => {
    const x = normal([50], 73).requireGrad(), c = normal([50], 74);
    const attrs = { p: 0.4, seed: 17, offset: 4 };
    const [dx] = gradients([sum(mul(dropout(x, attrs), c))], [ones([], { dtype: 'float64' })], [x]);
    const mask = specMask(50, 0.4, 17, 4);
    expectClose(dx!, values(c).map((v, i) => (mask[i]! * v) / 0.6));
  });

  test('the kernel matches the decomposition through creation.bernoulli', () => {
    const x = normal([37], 75);
    for (const p of [0.2, 0.7, 1]) {
      const attrs = { p, seed: 3, offset: 12 };
      expectClose(dropout(x, attrs), values(OPS.dropout.decompose!([x], attrs)[0]!));
    }
  });

  test('dropoutWith reserves x.size words of the generator; identity when not training or p = 0', () => {
    const gen = new Generator(11);
    const x = ones([10], { dtype: 'float64' });
    const a = dropoutWith(x, 0.5, gen);
    expect(gen.offset).toBe(12); // 10 words, rounded up to a multiple of 4
    expect(values(a)).toEqual(values(dropout(x, { p: 0.5, seed: 11, offset: 0 })));
    const b = dropoutWith(x, 0.5, gen);
    expect(values(b)).toEqual(values(dropout(x, { p: 0.5, seed: 11, offset: 12 })));
    expect(dropoutWith(x, 0.5, gen, false)).toBe(x);
    expect(dropoutWith(x, 0, gen)).toBe(x);
    expect(gen.offset).toBe(24);
  });

  test('errors name the op and the attribute', () => {
    const x = zeros([3], { dtype: 'float64' });
    expectError(() => dropout(x, { p: 1.5, seed: 0, offset: 0 }), ValueError, 'dropout:', 'p 1.5', '[0, 1]');
    expectError(() => dropout(x, { p: NaN, seed: 0, offset: 0 }), ValueError, 'dropout:', 'p NaN');
    expectError(() => dropout(x, { p: 0.5, seed: -1, offset: 0 }), ValueError, 'dropout:', 'seed -1');
    expectError(() => dropout(x, { p: 0.5, seed: 0, offset: 0.5 }), ValueError, 'dropout:', 'offset 0.5');
    expectError(() => dropout(zeros([3], { dtype: 'int32' }), { p: 0.5, seed: 0, offset: 0 }), DTypeError, 'dropout:', 'x (3)', 'int32');
  });
});
