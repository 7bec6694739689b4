// Every loss (torch.nn.functional semantics) and AdaptiveLogSoftmaxWithLoss:
//  - values at fixed points against closed forms derived by hand (the arithmetic is in comments),
//    for each reduction;
//  - first- and second-order gradient checks by central differences in float64 on ref;
//  - the delicate ones stay finite at logits of ±1e4 (value and gradient);
//  - typed errors that name the loss and the offending shape or value;
//  - values and gradients against PyTorch (suites/fixtures/losses.json, from tools/torch_loss_fixture.py).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  AdaptiveLogSoftmaxWithLoss, DTypeError, Generator, ShapeError, ValueError, backward, bceWithLogits, binaryCrossEntropy,
  cosineEmbeddingLoss, crossEntropy, fromArray, gather, gaussianNllLoss, hingeEmbeddingLoss, huberLoss, klDiv, l1Loss, logSoftmax,
  logsumexp, marginRankingLoss, mseLoss, multilabelSoftMarginLoss, nllLoss, poissonNllLoss, randn, smoothL1Loss, softMarginLoss,
  squeeze, sum, tensor, tripletMarginLoss, unsqueeze, type DType, type Tensor, type TypedArray,
} from '../../engine/index.js';
import { checkFunctionGradient, FunctionGradientFailure } from '../harness/funccheck.js';
import { expectError } from '../harness/expect.js';

const f64 = (v: number | number[] | number[][], shape?: number[]) => tensor(v, { dtype: 'float64', backend: 'ref', ...(shape ? { shape } : {}) });
const i32 = (v: number[] | number, shape?: number[]) => tensor(v, { dtype: 'int32', backend: 'ref', ...(shape ? { shape } : {}) });
const vals = (t: Tensor) => Array.from(t.dataSync());
const ln = Math.log;
const REDUCTIONS = ['none', 'mean', 'sum'] as const;

function close(got: ArrayLike<number>, want: ArrayLike<number>, tol = 1e-12): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!, w = want[i]!;
    if (Number.isNaN(w)) expect(g).toBeNaN();
    else if (!Number.isFinite(w)) expect(g).toBe(w);
    else expect(Math.abs(g - w), `index ${i}: got ${g}, want ${w}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(w)));
  }
}
/** The three reductions of per-element losses `none`. */
function expectReductions(f: (r: 'none' | 'mean' | 'sum') => Tensor, none: number[], tol = 1e-12): void {
  close(vals(f('none')), none, tol);
  const s = none.reduce((a, b) => a + b, 0);
  close(vals(f('sum')), [s], tol);
  close(vals(f('mean')), [s / none.length], tol);
}
describe('regression losses match closed forms', () => {
  test('mseLoss: x = [1, 2, 3], y = [0, 2, 5] gives d² = [1, 0, 4]', () => {
    expectReductions((reduction) => mseLoss(f64([1, 2, 3]), f64([0, 2, 5]), { reduction }), [1, 0, 4]);
  });
  test('l1Loss: |d| = [1, 0, 2]', () => {
    expectReductions((reduction) => l1Loss(f64([1, 2, 3]), f64([0, 2, 5]), { reduction }), [1, 0, 2]);
  });
  test('smoothL1Loss: 0.5 d²/β below β, |d| - β/2 above, L1 at β = 0', () => {
    const x = f64([0.5, -2, 1.5, 0]), y = f64([0, 0, 0, 0]);
    // β = 1: 0.5·0.25 = 0.125; 2 - 0.5 = 1.5; 1.5 - 0.5 = 1; 0.
    expectReductions((reduction) => smoothL1Loss(x, y, { reduction }), [0.125, 1.5, 1, 0]);
    // β = 2: 0.25/4 = 0.0625; |d| = 2 is not < 2: 2 - 1 = 1; 2.25/4 = 0.5625; 0.
    expectReductions((reduction) => smoothL1Loss(x, y, { reduction, beta: 2 }), [0.0625, 1, 0.5625, 0]);
    expectReductions((reduction) => smoothL1Loss(x, y, { reduction, beta: 0 }), [0.5, 2, 1.5, 0]);
  });
  test('huberLoss: 0.5 d² below δ, δ(|d| - δ/2) above', () => {
    const x = f64([0.5, -2, 1.5, 0]), y = f64([0, 0, 0, 0]);
    expectReductions((reduction) => huberLoss(x, y, { reduction }), [0.125, 1.5, 1, 0]);
    // δ = 2: 0.125; |d| = 2 is not < 2: 2·(2 - 1) = 2; 0.5·2.25 = 1.125; 0.
    expectReductions((reduction) => huberLoss(x, y, { reduction, delta: 2 }), [0.125, 2, 1.125, 0]);
  });
  test('poissonNllLoss: e^x - y·x, x - y·log(x + eps), and the Stirling term where y > 1', () => {
    // log input x = [0, ln 2], y = [1, 3]: [1 - 0, 2 - 3 ln 2].
    expectReductions((reduction) => poissonNllLoss(f64([0, ln(2)]), f64([1, 3]), { reduction }), [1, 2 - 3 * ln(2)]);
    // rate input x = [1, 2] with eps 0: [1 - 1·ln 1, 2 - 3 ln 2].
    expectReductions((reduction) => poissonNllLoss(f64([1, 2]), f64([1, 3]), { reduction, logInput: false, eps: 0 }), [1, 2 - 3 * ln(2)]);
    // full: + (3 ln 3 - 3 + 0.5 ln(2π·3)) for y = 3; nothing for y = 1.
    const stirling = 3 * ln(3) - 3 + 0.5 * ln(6 * Math.PI);
    expectReductions((reduction) => poissonNllLoss(f64([0, ln(2)]), f64([1, 3]), { reduction, full: true }), [1, 2 - 3 * ln(2) + stirling]);
  });
  test('gaussianNllLoss: 0.5 (log var + (x - y)²/var), var clamped to eps, var broadcasting', () => {
    // x = [1, 2], y = 0, var = [1, 4]: [0.5(0 + 1), 0.5(ln 4 + 1)].
    const want = [0.5, 0.5 * (ln(4) + 1)];
    expectReductions((reduction) => gaussianNllLoss(f64([1, 2]), f64([0, 0]), f64([1, 4]), { reduction }), want);
    const c = 0.5 * ln(2 * Math.PI);
    expectReductions((reduction) => gaussianNllLoss(f64([1, 2]), f64([0, 0]), f64([1, 4]), { reduction, full: true }), want.map((v) => v + c));
    // var = 0 is clamped to eps = 1e-6: 0.5 (ln 1e-6 + 1/1e-6).
    close(vals(gaussianNllLoss(f64([1]), f64([0]), f64([0]), { reduction: 'none' })), [0.5 * (ln(1e-6) + 1e6)]);
    // Homoscedastic: var (2) for input (2, 2) is unsqueezed to (2, 1): row 0 var 1, row 1 var 4.
    const x = f64([[1, 1], [2, 2]]), y = f64([[0, 0], [0, 0]]);
    close(vals(gaussianNllLoss(x, y, f64([1, 4]), { reduction: 'none' })), [0.5, 0.5, want[1]!, want[1]!]);
    close(vals(gaussianNllLoss(x, y, f64([1, 4], [2, 1]), { reduction: 'none' })), [0.5, 0.5, want[1]!, want[1]!]);
  });
  test('gaussianNllLoss: the gradient w.r.t. a clamped var passes straight through (torch clamps under no_grad)', () => {
    // d/dv 0.5(log v + d²/v) at v = eps = 0.5 with d = 1: 0.5(1/v - d²/v²) = 0.5(2 - 4) = -1.
    const v = f64([0.1]).requireGrad();
    backward(gaussianNllLoss(f64([1]), f64([0]), v, { eps: 0.5 }));
    close(vals(v.grad!), [-1]);
  });
});

describe('classification losses match closed forms', () => {
  // logp rows: [-1, -2, -3] and [-0.5, -1.5, -2.5]; targets [2, 0] pick 3 and 0.5.
  const logp = f64([[-1, -2, -3], [-0.5, -1.5, -2.5]]);
  test('nllLoss: -logp[y], weighted mean divides by Σ w[y], ignored targets drop out', () => {
    expectReductions((reduction) => nllLoss(logp, i32([2, 0]), { reduction }), [3, 0.5]);
    // weight [1, 2, 3]: w[y] = [3, 1], losses [9, 0.5], mean 9.5 / 4.
    const weight = f64([1, 2, 3]);
    close(vals(nllLoss(logp, i32([2, 0]), { weight, reduction: 'none' })), [9, 0.5]);
    close(vals(nllLoss(logp, i32([2, 0]), { weight })), [9.5 / 4]);
    // ignoreIndex 0 drops row 1: losses [9, 0]; mean 9 / 3; sum 9.
    close(vals(nllLoss(logp, i32([2, 0]), { weight, ignoreIndex: 0, reduction: 'none' })), [9, 0]);
    close(vals(nllLoss(logp, i32([2, 0]), { weight, ignoreIndex: 0 })), [3]);
    close(vals(nllLoss(logp, i32([2, 0]), { weight, ignoreIndex: 0, reduction: 'sum' })), [9]);
    // Every target ignored: 0 / 0 (torch gives NaN too).
    expect(vals(nllLoss(logp, i32([-100, -100])))[0]).toBeNaN();
    // Unbatched (C) with target (): 'none' gives a 0-d loss.
    const one = nllLoss(f64([-1, -2, -3]), i32(1), { reduction: 'none' });
    expect(one.shape).toEqual([]);
    close(vals(one), [2]);
  });
  test('nllLoss: (N, C, d) inputs pick along axis 1', () => {
    // input (1, 2, 2): classes along axis 1; position 0 picks class 1 (-4), position 1 class 0 (-2).
    const x = f64([-1, -2, -4, -3], [1, 2, 2]);
    expectReductions((reduction) => nllLoss(x, i32([1, 0], [1, 2]), { reduction }), [4, 2]);
  });
  // Rows of logits: [0, ln 3] has softmax [1/4, 3/4]; [ln 2, ln 2] has softmax [1/2, 1/2].
  const logits = f64([[0, ln(3)], [ln(2), ln(2)]]);
  test('crossEntropy with class indices: -log softmax at the target', () => {
    // targets [1, 0]: [-ln(3/4), -ln(1/2)] = [ln(4/3), ln 2].
    expectReductions((reduction) => crossEntropy(logits, i32([1, 0]), { reduction }), [ln(4 / 3), ln(2)]);
    // weight [1, 3]: w[y] = [3, 1]; mean (3 ln(4/3) + ln 2) / 4.
    close(vals(crossEntropy(logits, i32([1, 0]), { weight: f64([1, 3]) })), [(3 * ln(4 / 3) + ln(2)) / 4]);
  });
  test('crossEntropy label smoothing: (1 - ε)·nll + ε/C·Σ_c -logp_c', () => {
    // ε = 0.2, C = 2. Row 0: -logp = [ln 4, ln(4/3)], Σ = ln(16/3): 0.8 ln(4/3) + 0.1 ln(16/3).
    // Row 1: -logp = [ln 2, ln 2]: 0.8 ln 2 + 0.1·2 ln 2 = ln 2.
    const none = [0.8 * ln(4 / 3) + 0.1 * ln(16 / 3), ln(2)];
    expectReductions((reduction) => crossEntropy(logits, i32([1, 0]), { reduction, labelSmoothing: 0.2 }), none);
  });
  test('crossEntropy with class probabilities: -Σ_c q_c logp_c, mean over positions', () => {
    // Row 0, q = [1/2, 1/2]: 0.5 ln 4 + 0.5 ln(4/3) = 0.5 ln(16/3). Row 1, q = [1, 0]: ln 2.
    const q = f64([[0.5, 0.5], [1, 0]]);
    expectReductions((reduction) => crossEntropy(logits, q, { reduction }), [0.5 * ln(16 / 3), ln(2)]);
    // Smoothing ε = 0.5 on row 1: q = [0.75, 0.25]: 0.75 ln 2 + 0.25 ln 2 = ln 2 (both logp are -ln 2).
    close([vals(crossEntropy(logits, q, { reduction: 'none', labelSmoothing: 0.5 }))[1]!], [ln(2)]);
  });
  test('klDiv: p (log p - log q), logTarget, and batchmean = sum / N', () => {
    // Row 0: log q = ln[1/4, 3/4], p = [1/2, 1/2]: [0.5 ln 2, 0.5 ln(2/3)]. Row 1: log q = ln[1/2, 1/2], p = [1, 0]: [ln 2, 0].
    const input = f64([[ln(0.25), ln(0.75)], [ln(0.5), ln(0.5)]]), p = f64([[0.5, 0.5], [1, 0]]);
    const none = [0.5 * ln(2), 0.5 * ln(2 / 3), ln(2), 0];
    expectReductions((reduction) => klDiv(input, p, { reduction }), none);
    close(vals(klDiv(input, p, { reduction: 'batchmean' })), [(0.5 * ln(4 / 3) + ln(2)) / 2]);
    const row = (t: Tensor) => squeeze(gather(t, i32([0, 0], [1, 2]), { axis: 0 }), 0);
    close(vals(klDiv(row(input), f64([ln(0.5), ln(0.5)]), { logTarget: true, reduction: 'none' })), none.slice(0, 2));
  });
});

describe('binary and multi-label losses match closed forms', () => {
  test('binaryCrossEntropy: -[y ln x + (1 - y) ln(1 - x)], logs clamped at -100', () => {
    // x = [0.5, 0.8], y = [1, 0]: [ln 2, -ln 0.2 = ln 5].
    expectReductions((reduction) => binaryCrossEntropy(f64([0.5, 0.8]), f64([1, 0]), { reduction }), [ln(2), ln(5)]);
    close(vals(binaryCrossEntropy(f64([0.5, 0.8]), f64([1, 0]), { weight: f64([2, 3]), reduction: 'none' })), [2 * ln(2), 3 * ln(5)]);
    // Exact 0/1: wrong side costs 100 (the clamp), right side 0; the gradient stays finite.
    const x = f64([0, 1, 0, 1]).requireGrad();
    const l = binaryCrossEntropy(x, f64([1, 0, 0, 1]), { reduction: 'none' });
    close(vals(l), [100, 100, 0, 0]);
    backward(sum(l));
    expect(vals(x.grad!).every(Number.isFinite)).toBe(true);
  });
  test('bceWithLogits: σ(0) = 1/2 and σ(ln 3) = 3/4; posWeight scales the positive term', () => {
    // x = [0, ln 3], y = [1, 0]: [-ln(1/2), -ln(1/4)] = [ln 2, ln 4].
    expectReductions((reduction) => bceWithLogits(f64([0, ln(3)]), f64([1, 0]), { reduction }), [ln(2), ln(4)]);
    close(vals(bceWithLogits(f64([0, ln(3)]), f64([1, 0]), { posWeight: f64([2]), reduction: 'none' })), [2 * ln(2), ln(4)]);
    close(vals(bceWithLogits(f64([0, ln(3)]), f64([1, 0]), { weight: f64([3, 0.5]), reduction: 'none' })), [3 * ln(2), 0.5 * ln(4)]);
  });
  test('softMarginLoss: log(1 + e^{-yx})', () => {
    // x = [0, ln 3], y = [1, -1]: [ln 2, ln(1 + 3) = ln 4].
    expectReductions((reduction) => softMarginLoss(f64([0, ln(3)]), f64([1, -1]), { reduction }), [ln(2), ln(4)]);
  });
  test('multilabelSoftMarginLoss: the per-class BCE of logits, averaged over classes', () => {
    // x = [0, ln 3], y = [1, 0]: per class [ln 2, ln 4]; mean over C = 1.5 ln 2. Row 2, x = [0, 0], y = [0, 1]: ln 2.
    const x = f64([[0, ln(3)], [0, 0]]), y = f64([[1, 0], [0, 1]]);
    expectReductions((reduction) => multilabelSoftMarginLoss(x, y, { reduction }), [1.5 * ln(2), ln(2)]);
    // weight [2, 1]: (2 ln 2 + ln 4) / 2 = 2 ln 2; row 2: (2 ln 2 + ln 2) / 2 = 1.5 ln 2.
    close(vals(multilabelSoftMarginLoss(x, y, { weight: f64([2, 1]), reduction: 'none' })), [2 * ln(2), 1.5 * ln(2)]);
  });
});

describe('ranking and embedding losses match closed forms', () => {
  test('hingeEmbeddingLoss: x where y = 1, max(0, margin - x) where y = -1', () => {
    // x = [0.3, 2, 0.5], y = [1, -1, -1], margin 1: [0.3, 0, 0.5]; margin 3: [0.3, 1, 2.5].
    const x = f64([0.3, 2, 0.5]), y = f64([1, -1, -1]);
    expectReductions((reduction) => hingeEmbeddingLoss(x, y, { reduction }), [0.3, 0, 0.5]);
    expectReductions((reduction) => hingeEmbeddingLoss(x, y, { reduction, margin: 3 }), [0.3, 1, 2.5]);
  });
  test('marginRankingLoss: max(0, -y (x1 - x2) + margin)', () => {
    // x1 = [1, 2], x2 = [2, 0.5], y = [1, -1]: [max(0, 1), max(0, 1.5)] = [1, 1.5].
    expectReductions((reduction) => marginRankingLoss(f64([1, 2]), f64([2, 0.5]), f64([1, -1]), { reduction }), [1, 1.5]);
    // y = [1, 1], margin 0.5: [1 + 0.5, max(0, -1.5 + 0.5)] = [1.5, 0].
    expectReductions((reduction) => marginRankingLoss(f64([1, 2]), f64([2, 0.5]), f64([1, 1]), { reduction, margin: 0.5 }), [1.5, 0]);
  });
  test('tripletMarginLoss: max(0, margin + d(a, p) - d(a, n)), p-norms and swap', () => {
    // a = 0, p = (3, 4), n = (1, 0), eps 0: L2 distances 5 and 1: 1 + 5 - 1 = 5; L1: 1 + 7 - 1 = 7.
    const a = f64([[0, 0]]), p = f64([[3, 4]]), n = f64([[1, 0]]);
    expectReductions((reduction) => tripletMarginLoss(a, p, n, { reduction, eps: 0 }), [5]);
    close(vals(tripletMarginLoss(a, p, n, { eps: 0, p: 1 })), [7]);
    // p = 3: (27 + 64)^(1/3) = 91^(1/3).
    close(vals(tripletMarginLoss(a, p, n, { eps: 0, p: 3 })), [1 + Math.cbrt(91) - 1]);
    // a = 0, p = (1, 0), n = (2, 0): d(a, n) = 2 gives 0; swap uses d(p, n) = 1: 1 + 1 - 1 = 1.
    const p2 = f64([[1, 0]]), n2 = f64([[2, 0]]);
    close(vals(tripletMarginLoss(a, p2, n2, { eps: 0 })), [0]);
    close(vals(tripletMarginLoss(a, p2, n2, { eps: 0, swap: true })), [1]);
    // eps is added to the difference: a = p gives d(a, p) = ‖(eps, eps)‖ = eps·√2; d(a, n) = ‖(1 - 5 + eps, eps)‖.
    close(vals(tripletMarginLoss(f64([1, 1]), f64([1, 1]), f64([5, 1]), { eps: 0.5, margin: 10 })), [10 + 0.5 * Math.SQRT2 - Math.hypot(-3.5, 0.5)]);
  });
  test('cosineEmbeddingLoss: 1 - cos where y = 1, max(0, cos - margin) where y = -1', () => {
    // cos((1,0),(0,1)) = 0; cos((1,1),(1,1)) = 2 / (2 + 1e-12) ≈ 1.
    const x1 = f64([[1, 0], [1, 1]]), x2 = f64([[0, 1], [1, 1]]);
    const c1 = 2 / (2 + 1e-12);
    expectReductions((reduction) => cosineEmbeddingLoss(x1, x2, f64([1, -1]), { reduction }), [1, c1]);
    expectReductions((reduction) => cosineEmbeddingLoss(x1, x2, f64([-1, 1]), { reduction, margin: 0.5 }), [0, 1 - c1]);
    close(vals(cosineEmbeddingLoss(f64([1, 1]), f64([1, 1]), f64(-1), { margin: 0.5 })), [c1 - 0.5]);
  });
});

// ---------------------------------------------------------------------------------------------
// Gradients: directional central differences in float64, first and second order (Hessian-vector).

/** Deterministic values in [lo, hi) that keep `avoid` points `margin` away (kinks of the losses). */
function values(n: number, seed: number, lo: number, hi: number, avoid: number[] = [], margin = 0.15): number[] {
  const src = new Generator(seed);
  const u = Array.from(randn([n], { gen: src, dtype: 'float64', backend: 'ref' }).dataSync());
  return u.map((z) => {
    let v = lo + (hi - lo) * (0.5 + Math.atan(z) / Math.PI);
    for (const a of avoid) if (Math.abs(v - a) < margin) v = a + (v < a ? -margin : margin);
    return v;
  });
}
const rnd = (shape: number[], seed: number, lo = -2, hi = 2, avoid: number[] = []) =>
  fromArray(Float64Array.from(values(shape.reduce((a, b) => a * b, 1), seed, lo, hi, avoid)), shape, 'float64', { backend: 'ref' });
const pm1 = (shape: number[], seed: number) => fromArray(Float64Array.from(values(shape.reduce((a, b) => a * b, 1), seed, -1, 1), (v) => (v < 0 ? -1 : 1)), shape, 'float64', { backend: 'ref' });

type GradCase = [string, (r: 'none' | 'mean' | 'sum') => [(...xs: Tensor[]) => Tensor, Tensor[]]];
const x34 = rnd([3, 4], 1), y34 = rnd([3, 4], 2);
const d34 = () => rnd([3, 4], 3, -2, 2, [0]); // differences away from 0 and from the β/δ kinks
const target = i32([1, 0, 3, 2, 0]);
const gradCases: GradCase[] = [
  ['mseLoss', (reduction) => [(x, y) => mseLoss(x, y, { reduction }), [x34, y34]]],
  ['l1Loss', (reduction) => [(d) => l1Loss(d, zeros34(), { reduction }), [d34()]]],
  ['smoothL1Loss', (reduction) => [(d) => smoothL1Loss(d, zeros34(), { reduction, beta: 0.7 }), [rnd([3, 4], 4, -2, 2, [0, -0.7, 0.7])]]],
  ['huberLoss', (reduction) => [(d) => huberLoss(d, zeros34(), { reduction, delta: 1.3 }), [rnd([3, 4], 5, -2, 2, [0, -1.3, 1.3])]]],
  ['poissonNllLoss', (reduction) => [(x, y) => poissonNllLoss(x, y, { reduction, full: true }), [x34, rnd([3, 4], 6, 0.2, 4, [1])]]],
  ['poissonNllLoss (rate input)', (reduction) => [(x, y) => poissonNllLoss(x, y, { reduction, logInput: false }), [rnd([3, 4], 7, 0.3, 3), rnd([3, 4], 8, 0, 4)]]],
  ['gaussianNllLoss', (reduction) => [(x, y, v) => gaussianNllLoss(x, y, v, { reduction, full: true }), [x34, y34, rnd([3, 4], 9, 0.3, 2)]]],
  ['gaussianNllLoss (homoscedastic)', (reduction) => [(x, y, v) => gaussianNllLoss(x, y, v, { reduction }), [x34, y34, rnd([3], 10, 0.3, 2)]]],
  ['nllLoss', (reduction) => [(x, w) => nllLoss(logSoftmax(x, { axis: 1 }), target, { reduction, weight: w, ignoreIndex: 3 }), [rnd([5, 4], 11), rnd([4], 12, 0.5, 2)]]],
  ['crossEntropy', (reduction) => [(x, w) => crossEntropy(x, target, { reduction, weight: w, labelSmoothing: 0.15 }), [rnd([5, 4], 13), rnd([4], 14, 0.5, 2)]]],
  ['crossEntropy (N, C, d)', (reduction) => [(x) => crossEntropy(x, i32([0, 2, 1, 1], [2, 2]), { reduction }), [rnd([2, 3, 2], 15)]]],
  ['crossEntropy (probabilities)', (reduction) => [(x, q) => crossEntropy(x, q, { reduction, labelSmoothing: 0.1 }), [rnd([3, 4], 16), rnd([3, 4], 17, 0, 1)]]],
  ['klDiv', (reduction) => [(x, p) => klDiv(x, p, { reduction }), [rnd([3, 4], 18, -3, -0.1), rnd([3, 4], 19, 0.05, 1)]]],
  ['klDiv (logTarget)', (reduction) => [(x, p) => klDiv(x, p, { reduction, logTarget: true }), [rnd([3, 4], 20, -3, -0.1), rnd([3, 4], 21, -3, -0.1)]]],
  ['binaryCrossEntropy', (reduction) => [(x, y, w) => binaryCrossEntropy(x, y, { reduction, weight: w }), [rnd([3, 4], 22, 0.05, 0.95), rnd([3, 4], 23, 0, 1), rnd([4], 24, 0.5, 2)]]],
  ['bceWithLogits', (reduction) => [(x, y, w, p) => bceWithLogits(x, y, { reduction, weight: w, posWeight: p }), [x34, rnd([3, 4], 25, 0, 1), rnd([4], 26, 0.5, 2), rnd([4], 27, 0.5, 3)]]],
  ['softMarginLoss', (reduction) => [(x) => softMarginLoss(x, pm1([3, 4], 28), { reduction }), [x34]]],
  ['multilabelSoftMarginLoss', (reduction) => [(x, y, w) => multilabelSoftMarginLoss(x, y, { reduction, weight: w }), [x34, rnd([3, 4], 29, 0, 1), rnd([4], 30, 0.5, 2)]]],
  ['hingeEmbeddingLoss', (reduction) => [(x) => hingeEmbeddingLoss(x, pm1([3, 4], 31), { reduction, margin: 1.5 }), [rnd([3, 4], 32, 0, 3, [1.5])]]],
  ['marginRankingLoss', (reduction) => [(a, b) => marginRankingLoss(a, b, f64([1, -1, 1, -1, 1, -1]), { reduction, margin: 0.1 }), [rnd([6], 33, -2, 2), rnd([6], 34, -2, 2)]]],
  ['tripletMarginLoss', (reduction) => [(a, p, n) => tripletMarginLoss(a, p, n, { reduction, margin: 2, swap: true }), [rnd([4, 3], 35), rnd([4, 3], 36), rnd([4, 3], 37)]]],
  ['tripletMarginLoss (p = 3)', (reduction) => [(a, p, n) => tripletMarginLoss(a, p, n, { reduction, margin: 2, p: 3 }), [rnd([4, 3], 38), rnd([4, 3], 39), rnd([4, 3], 40)]]],
  ['cosineEmbeddingLoss', (reduction) => [(a, b) => cosineEmbeddingLoss(a, b, f64([1, -1, -1, 1]), { reduction, margin: -0.9 }), [rnd([4, 3], 41), rnd([4, 3], 42)]]],
];
function zeros34(): Tensor {
  return fromArray(new Float64Array(12), [3, 4], 'float64', { backend: 'ref' });
}

describe('loss gradients match finite differences (float64, first and second order)', () => {
  for (const [name, make] of gradCases) {
    test.each(REDUCTIONS)(`${name}, reduction %s`, (reduction) => {
      const [f, inputs] = make(reduction);
      const res = checkFunctionGradient(`${name} (${reduction})`, f, inputs, { seed: 7 });
      expect(res.firstOrder).toBeLessThanOrEqual(1e-5);
      expect(res.secondOrder).toBeLessThanOrEqual(1e-5);
    });
  }
  test('the check can fail: a gradient cut from the graph is reported with the label', () => {
    // f(x) = Σ x² read through the values of x: autodiff sees no dependence, differences see 2x.
    const cut = (x: Tensor) => mseLoss(fromArray(Float64Array.from(x.dataSync()), x.shape, 'float64', { backend: 'ref' }), zeros34(), { reduction: 'sum' });
    expectError(() => checkFunctionGradient('cut loss', cut, [x34]), FunctionGradientFailure, /^cut loss: first-order/);
  });
});

describe('log-softmax-based losses stay finite at logits of ±1e4', () => {
  /** Value and gradient of f at x, both required finite. */
  function valueAndGradient(f: (x: Tensor) => Tensor, x: Tensor): [number[], number[]] {
    const leaf = x.detach().requireGrad();
    const y = f(leaf);
    backward(y);
    return [vals(y), vals(leaf.grad!)];
  }
  const big = f64([[1e4, -1e4, 0], [-1e4, 1e4, 3]]);
  test('crossEntropy: loss = logsumexp - x_y exactly, gradient = softmax - onehot', () => {
    // Row 0, target 0: lse = 1e4 (+ e^-1e4 terms, below the ulp) → 0. Row 1, target 0: lse = 1e4 → 2e4.
    const [v, g] = valueAndGradient((x) => crossEntropy(x, i32([0, 0]), { reduction: 'sum' }), big);
    close(v, [2e4]);
    close(g, [0, 0, 0, -1, 1, 0]);
  });
  test('nllLoss of logSoftmax and crossEntropy with smoothing and probabilities', () => {
    const [v] = valueAndGradient((x) => nllLoss(logSoftmax(x, { axis: 1 }), i32([1, 1]), { reduction: 'sum' }), big);
    close(v, [2e4]);
    for (const f of [(x: Tensor) => crossEntropy(x, i32([2, 0]), { labelSmoothing: 0.1 }), (x: Tensor) => crossEntropy(x, f64([[0.2, 0.3, 0.5], [1, 0, 0]]))]) {
      const [v2, g2] = valueAndGradient(f, big);
      expect(v2.every(Number.isFinite) && g2.every(Number.isFinite)).toBe(true);
    }
  });
  test('bceWithLogits: ±1e4 on the wrong side costs 1e4 (no overflow), the right side 0', () => {
    const [v, g] = valueAndGradient((x) => bceWithLogits(x, f64([0, 1, 1, 0, 0.5]), { reduction: 'sum' }), f64([1e4, -1e4, 1e4, -1e4, 1e4]));
    close(v, [1e4 + 1e4 + 0 + 0 + 5e3]);
    // d/dx = σ(x) - y: [1, -1, 0, 0, 0.5].
    close(g, [1, -1, 0, 0, 0.5]);
    const w = valueAndGradient((x) => bceWithLogits(x, f64([1, 0]), { posWeight: f64([3]) }), f64([-1e4, 1e4]));
    expect([...w[0], ...w[1]].every(Number.isFinite)).toBe(true);
  });
  test('softMarginLoss and multilabelSoftMarginLoss at ±1e4', () => {
    const [v, g] = valueAndGradient((x) => softMarginLoss(x, f64([1, -1, -1]), { reduction: 'sum' }), f64([1e4, 1e4, -1e4]));
    close(v, [1e4]);
    close(g, [0, 1, 0]);
    const [v2] = valueAndGradient((x) => multilabelSoftMarginLoss(x, f64([[0, 1]])), f64([[1e4, -1e4]]));
    close(v2, [1e4]);
  });
});

describe('bad arguments raise typed errors naming the loss and the offending shape or value', () => {
  const x23 = f64([[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]]);
  test('class indices out of range (values are read on synchronous backends)', () => {
    expectError(() => crossEntropy(x23, i32([1, 3])), ValueError, /^crossEntropy: target \(2\) has class index 3 at \(1\), outside \[0, 3\) for input \(2,3\)/);
    expectError(() => nllLoss(x23, i32([-1, 0])), ValueError, /^nllLoss: target \(2\) has class index -1 at \(0\)/);
    expectError(() => crossEntropy(f64([1, 2, 3, 4], [1, 2, 2]), i32([0, 2], [1, 2])), ValueError, 'class index 2 at (0,1)');
    // ignoreIndex itself is allowed even outside [0, C).
    expect(vals(nllLoss(x23, i32([7, 0]), { ignoreIndex: 7 }))[0]).toBeCloseTo(-0.4, 12);
  });
  test('float targets where int32 class indices are required', () => {
    expectError(() => nllLoss(x23, f64([1, 0])), DTypeError, /^nllLoss: target \(2\) has dtype float64; class indices must be int32/);
    expectError(() => crossEntropy(x23, f64([1, 0])), DTypeError, /^crossEntropy: target \(2\) has dtype float64; class indices must be int32 \(float class probabilities need input's shape \(2,3\)\)/);
    expectError(() => new AdaptiveLogSoftmaxWithLoss(4, 6, [2]).forward(randn([2, 4]), f64([1, 2])), DTypeError, /^AdaptiveLogSoftmaxWithLoss: target \(2\) has dtype float64/);
  });
  test('shape mismatches', () => {
    expectError(() => mseLoss(f64([1, 2, 3, 4, 5, 6], [2, 3]), f64([1, 2, 3, 4, 5, 6], [3, 2])), ShapeError, /^mseLoss: input \(2,3\) and target \(3,2\) must have the same shape/);
    expectError(() => crossEntropy(x23, i32([0, 1, 2])), ShapeError, /^crossEntropy: target \(3\) does not fit input \(2,3\): class indices need shape \(2\)/);
    expectError(() => nllLoss(x23, i32([0]), { weight: f64([1, 2]) }), ShapeError, /^nllLoss: weight \(2\) must have shape \(3\)/);
    expectError(() => bceWithLogits(x23, x23, { posWeight: f64([1, 2]) }), ShapeError, /^bceWithLogits: /, 'posWeight (2)');
    expectError(() => gaussianNllLoss(x23, x23, f64([1, 2, 3])), ShapeError, /^gaussianNllLoss: var \(3\) does not fit input \(2,3\)/);
    expectError(() => cosineEmbeddingLoss(x23, x23, f64([1])), ShapeError, /^cosineEmbeddingLoss: target \(1\) does not fit inputs \(2,3\)/);
    expectError(() => tripletMarginLoss(x23, x23, f64([1, 2, 3])), ShapeError, /^tripletMarginLoss: anchor \(2,3\) and negative \(3\)/);
    expectError(() => crossEntropy(f64(1), i32(0)), ShapeError, /^crossEntropy: input \(\) must have a class dimension/);
  });
  test('probabilities outside [0, 1] for binaryCrossEntropy', () => {
    expectError(() => binaryCrossEntropy(f64([0.5, 1.5]), f64([0, 1])), ValueError, /^binaryCrossEntropy: input \(2\) has 1\.5 at \(1\); probabilities must lie in \[0, 1\]/);
    expectError(() => binaryCrossEntropy(f64([0.5, 0.5]), f64([0, -0.25])), ValueError, /^binaryCrossEntropy: target \(2\) has -0\.25 at \(1\)/);
    expectError(() => binaryCrossEntropy(f64([NaN]), f64([0])), ValueError, 'has NaN');
  });
  test('other bad values: reductions, options, ±1 targets, negative variances', () => {
    expectError(() => mseLoss(x23, x23, { reduction: 'avg' as never }), ValueError, /^mseLoss: reduction 'avg' is not one of 'none', 'mean', 'sum'/);
    expectError(() => klDiv(x23, x23, { reduction: 'batch' as never }), ValueError, "'batchmean'");
    expectError(() => crossEntropy(x23, i32([0, 1]), { labelSmoothing: 1.5 }), ValueError, /^crossEntropy: labelSmoothing 1\.5 must be a number in \[0, 1\]/);
    expectError(() => crossEntropy(x23, x23, { ignoreIndex: 1 }), ValueError, /^crossEntropy: ignoreIndex 1 is not supported with class-probability targets \(2,3\)/);
    expectError(() => huberLoss(x23, x23, { delta: 0 }), ValueError, /^huberLoss: delta 0 must be a finite number > 0/);
    expectError(() => smoothL1Loss(x23, x23, { beta: -1 }), ValueError, /^smoothL1Loss: beta -1/);
    expectError(() => hingeEmbeddingLoss(f64([1, 2]), f64([1, 0])), ValueError, /^hingeEmbeddingLoss: target \(2\) has 0 at \(1\); targets must be 1 or -1/);
    expectError(() => cosineEmbeddingLoss(x23, x23, f64([1, 2])), ValueError, /^cosineEmbeddingLoss: target \(2\) has 2 at \(1\)/);
    expectError(() => gaussianNllLoss(x23, x23, f64([[1, 1, 1], [1, -1, 1]])), ValueError, /^gaussianNllLoss: var \(2,3\) has -1 at \(1,1\); variances must be non-negative/);
    expectError(() => tripletMarginLoss(x23, x23, x23, { p: 0 }), ValueError, /^tripletMarginLoss: p 0 must be a positive number/);
    expectError(() => mseLoss(i32([1, 2]), f64([1, 2])), DTypeError, /^mseLoss: input \(2\) has dtype int32; expected float32 or float64/);
  });
});

// ---------------------------------------------------------------------------------------------
// PyTorch cross-check: values and gradients of every loss and reduction (float64).

interface Encoded {
  shape: number[];
  dtype: DType;
  data: (number | string)[];
}
interface FixtureCase {
  fn: string;
  args: Encoded[];
  opts: Record<string, unknown>;
  output: Encoded;
  grads: (Encoded | null)[];
}
interface AdaptiveFixture {
  inFeatures: number;
  nClasses: number;
  cutoffs: number[];
  divValue: number;
  headBias: boolean;
  state: Record<string, Encoded>;
  input: Encoded;
  target: Encoded;
  output: Encoded;
  loss: Encoded;
  inputGrad: Encoded;
  logProb: Encoded;
  predict: Encoded;
}
const fixture = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'losses.json'), 'utf8')) as {
  torch: string;
  cases: FixtureCase[];
  adaptive: AdaptiveFixture[];
};
const num = (v: number | string) => (typeof v === 'number' ? v : v === 'nan' ? NaN : v === 'inf' ? Infinity : -Infinity);
const isEncoded = (v: unknown): v is Encoded => typeof v === 'object' && v !== null && 'shape' in v && 'data' in v;
function decode(e: Encoded, float: 'float32' | 'float64' = 'float64'): Tensor {
  const vs = e.data.map(num);
  const data: TypedArray = e.dtype === 'int32' ? Int32Array.from(vs) : float === 'float32' ? Float32Array.from(vs) : Float64Array.from(vs);
  return fromArray(data, e.shape, e.dtype === 'int32' ? 'int32' : float, { backend: 'ref' });
}
type AnyLoss = (...args: never[]) => Tensor;
const LOSSES: Record<string, AnyLoss> = {
  mseLoss, l1Loss, smoothL1Loss, huberLoss, poissonNllLoss, gaussianNllLoss, nllLoss, crossEntropy, klDiv, binaryCrossEntropy, bceWithLogits,
  softMarginLoss, multilabelSoftMarginLoss, hingeEmbeddingLoss, marginRankingLoss, tripletMarginLoss, cosineEmbeddingLoss,
};

describe(`losses match PyTorch ${fixture.torch} (float64 values and gradients)`, () => {
  test('the fixture covers every loss and every reduction', () => {
    for (const name of Object.keys(LOSSES)) {
      const reds = new Set(fixture.cases.filter((c) => c.fn === name).map((c) => c.opts.reduction));
      expect([...reds].sort(), name).toEqual(expect.arrayContaining(['mean', 'none', 'sum']));
    }
  });
  test('float32 arguments give float32 losses within float32 accuracy of torch', () => {
    for (const c of fixture.cases) {
      const fn = LOSSES[c.fn]! as (...a: unknown[]) => Tensor;
      const opts = Object.fromEntries(Object.entries(c.opts).map(([k, v]) => [k, isEncoded(v) ? decode(v, 'float32') : v]));
      const out = fn(...c.args.map((a) => decode(a, 'float32')), opts);
      expect(out.dtype, c.fn).toBe('float32');
      close(vals(out), c.output.data.map(num), 2e-4);
    }
  });
  test.each(fixture.cases.map((c, i) => [`${c.fn} ${JSON.stringify(Object.fromEntries(Object.entries(c.opts).map(([k, v]) => [k, isEncoded(v) ? v.shape : v])))} #${i}`, c] as const))('%s', (_label, c) => {
    const fn = LOSSES[c.fn]! as (...a: unknown[]) => Tensor;
    const opts = Object.fromEntries(Object.entries(c.opts).map(([k, v]) => [k, isEncoded(v) ? decode(v) : v]));
    const args = c.args.map((a, i) => (c.grads[i] ? decode(a).requireGrad() : decode(a)));
    const out = fn(...args, opts);
    expect(out.shape).toEqual(c.output.shape);
    close(vals(out), c.output.data.map(num), 1e-10);
    if (!c.grads.some((g) => g)) return;
    backward(sum(out));
    c.grads.forEach((g, i) => {
      if (!g) return;
      const got = vals(args[i]!.grad!), want = g.data.map(num);
      // NOTE: torch's gradient w.r.t. a target entry of 0 inside a log (klDiv's xlogy, the Stirling
      // term) is NaN; ours is the finite one-sided value. Only the target (argument 1) may differ so.
      want.forEach((w, j) => {
        if (Number.isNaN(w)) {
          expect(i, `${c.fn}: torch NaN gradient outside the target`).toBe(1);
          expect(Number.isFinite(got[j]!)).toBe(true);
        } else expect(Math.abs(got[j]! - w), `${c.fn} grad ${i}[${j}]: ours ${got[j]}, torch ${w}`).toBeLessThanOrEqual(1e-10 * Math.max(1, Math.abs(w)));
      });
    });
  });
});

// ---------------------------------------------------------------------------------------------
// AdaptiveLogSoftmaxWithLoss

/** Runs every tail cluster on every row (the path taken when targets cannot be read synchronously). */
class DenseAdaptive extends AdaptiveLogSoftmaxWithLoss {
  protected override targetValues(): null {
    return null;
  }
}

describe('AdaptiveLogSoftmaxWithLoss', () => {
  const make = <M extends AdaptiveLogSoftmaxWithLoss>(Cls: new (...a: ConstructorParameters<typeof AdaptiveLogSoftmaxWithLoss>) => M, headBias = false) =>
    new Cls(8, 10, [3, 6], { divValue: 2, headBias, seed: 5, dtype: 'float64', backend: 'ref' });
  const x = rnd([6, 8], 50);
  const t = i32([0, 4, 9, 2, 7, 5]);

  test("parameters have torch's names and shapes: head (3 + 2 clusters), tails in / 2^(i+1) wide", () => {
    const m = make(AdaptiveLogSoftmaxWithLoss, true);
    const shapes = Object.fromEntries([...m.namedParameters()].map(([n, p]) => [n, p.shape]));
    // cutoffs [3, 6] + nClasses 10: shortlist 3, clusters [3, 6) and [6, 10); hidden sizes 8/2 = 4 and 8/4 = 2.
    expect(shapes).toEqual({
      'head.weight': [5, 8], 'head.bias': [5], 'tail.0.0.weight': [4, 8], 'tail.0.1.weight': [3, 4], 'tail.1.0.weight': [2, 8], 'tail.1.1.weight': [4, 2],
    });
    expect(m.cutoffs).toEqual([3, 6, 10]);
    // torch.nn.Linear's init: U(-1/√fan_in, 1/√fan_in); the same seed gives the same weights.
    expect(vals(m.head.weight).every((v) => Math.abs(v) <= 1 / Math.sqrt(8))).toBe(true);
    expect(vals(make(AdaptiveLogSoftmaxWithLoss, true).tail.clusters[1]!.up.weight)).toEqual(vals(m.tail.clusters[1]!.up.weight));
  });

  test('logProb is a normalized distribution and forward picks it at the target; loss = -mean(output)', () => {
    const m = make(AdaptiveLogSoftmaxWithLoss);
    const lp = m.logProb(x);
    expect(lp.shape).toEqual([6, 10]);
    close(vals(logsumexp(lp, { axes: 1 })), [0, 0, 0, 0, 0, 0]);
    const { output, loss } = m.forward(x, t);
    const picked = vals(squeeze(gather(lp, unsqueeze(t, 1), { axis: 1 }), 1));
    close(vals(output), picked);
    close(vals(loss), [-picked.reduce((a, b) => a + b, 0) / 6]);
    expect(vals(m.predict(x))).toEqual(vals(lp).reduce<number[]>((acc, _, i) => (i % 10 ? acc : [...acc, argmaxOf(vals(lp).slice(i, i + 10))]), []));
    // Unbatched: input (8), target () gives a 0-d output.
    const one = m.forward(f64(vals(x).slice(0, 8)), i32(9));
    expect(one.output.shape).toEqual([]);
    close(vals(one.output), [picked[0]! - vals(lp)[0]! + vals(lp)[9]!]);
  });

  test('the masked path (no synchronous read of targets) gives the same values and gradients', () => {
    const a = make(AdaptiveLogSoftmaxWithLoss), b = make(DenseAdaptive);
    close(vals(b.forward(x, t).output), vals(a.forward(x, t).output));
    const ga = gradsOf(a), gb = gradsOf(b);
    ga.forEach((g, k) => close(gb[k]!, g));
  });

  for (const [label, Cls] of [['selected rows', AdaptiveLogSoftmaxWithLoss], ['masked', DenseAdaptive]] as const) {
    test(`gradients w.r.t. input and every parameter match finite differences (${label} path, second order too)`, () => {
      const m = make(Cls, true);
      const res = checkFunctionGradient(`adaptive ${label}`, (xx) => m.forward(xx, t).loss, [x], { params: m.parameters(), seed: 3 });
      expect(res.firstOrder).toBeLessThanOrEqual(1e-5);
      const res2 = checkFunctionGradient(`adaptive logProb ${label}`, (xx) => m.logProb(xx), [x], { params: m.parameters(), seed: 4, directions: 1 });
      expect(res2.secondOrder).toBeLessThanOrEqual(1e-5);
    });
  }

  test.each(fixture.adaptive.map((c, i) => [i, c] as const))(`matches torch ${fixture.torch} (module #%i): output, loss, input gradient, logProb, predict`, (_i, c) => {
    const m = new AdaptiveLogSoftmaxWithLoss(c.inFeatures, c.nClasses, c.cutoffs, { divValue: c.divValue, headBias: c.headBias, dtype: 'float64', backend: 'ref' });
    m.loadStateDict(Object.fromEntries(Object.entries(c.state).map(([k, v]) => [k, decode(v)])));
    const input = decode(c.input).requireGrad();
    const { output, loss } = m.forward(input, decode(c.target));
    close(vals(output), c.output.data.map(num), 1e-10);
    close(vals(loss), c.loss.data.map(num), 1e-10);
    backward(loss);
    close(vals(input.grad!), c.inputGrad.data.map(num), 1e-10);
    close(vals(m.logProb(input)), c.logProb.data.map(num), 1e-10);
    expect(vals(m.predict(input))).toEqual(c.predict.data.map(num));
  });

  test('bad configurations and targets raise typed errors', () => {
    expectError(() => new AdaptiveLogSoftmaxWithLoss(8, 10, [6, 3]), ValueError, /^AdaptiveLogSoftmaxWithLoss: cutoffs \[6, 3\] should be/);
    expectError(() => new AdaptiveLogSoftmaxWithLoss(8, 10, [3, 10]), ValueError, 'between 1 and nClasses - 1 = 9');
    expectError(() => new AdaptiveLogSoftmaxWithLoss(8, 10, []), ValueError, 'non-empty');
    const m = make(AdaptiveLogSoftmaxWithLoss);
    expectError(() => m.forward(x, i32([0, 4, 10, 2, -1, 5])), ValueError, /^AdaptiveLogSoftmaxWithLoss: target \(6\) values should be in \[0, 9\], but values in range \[-1, 10\] were found/);
    expectError(() => m.forward(rnd([6, 7], 51), t), ShapeError, /^AdaptiveLogSoftmaxWithLoss: input \(6,7\) must be \(N, 8\) or \(8\)/);
    expectError(() => m.forward(x, i32([0, 1])), ShapeError, /^AdaptiveLogSoftmaxWithLoss: input \(6,8\) and target \(2\)/);
  });

  function gradsOf(m: AdaptiveLogSoftmaxWithLoss): number[][] {
    const input = x.detach().requireGrad();
    m.zeroGrad();
    backward(m.forward(input, t).loss);
    return [vals(input.grad!), ...m.parameters().map((p) => vals(p.grad!))];
  }
});

function argmaxOf(row: number[]): number {
  return row.reduce((best, v, i) => (v > row[best]! ? i : best), 0);
}
