// The hyper-connection stream ops hc_pre and hc_post_res (engine/ops/nn/hc_pre.ts, hc_post_res.ts)
// and their fused backward ops (hc_pre_backward.ts, hc_post_res_backward.ts): values against the
// spec's einsums (shared/specs/mhc-hc-attention.md §2.5) written with matmul and against autodiff
// through them, hand-computed cases, typed errors for shapes that do not match exactly, and the
// native and webgpu kernels (run without a decomposition fallback) against ref, over stream counts
// and widths that take every kernel path (vector tails, stream blocks, n > 4). Gradients and
// parity come from the registry suites.
import { describe, expect, test } from 'vitest';
import {
  DTypeError, ShapeError, add, backendStatus, fallbackCounts, fromArray, gradients, hcPostRes, hcPostResBackward, hcPre, hcPreBackward,
  initWebGPU, matmul, mul, randn, requiredBackends, resetFallbackCounts, squeeze, sum, tensor, unsqueeze, type Tensor,
} from '../../engine/index.js';
import { addon } from '../../kernels/native/addon.js';
import { expectClose, expectError } from '../harness/expect.js';

await initWebGPU();

const vals = (t: Tensor): number[] => Array.from(t.dataSync());
const r = (shape: number[], seed: number, backend = 'ref', dtype: 'float32' | 'float64' = 'float64'): Tensor => randn(shape, { seed, dtype, backend });

// einsum('btj,btjc->btc', h, x): a (1, n) row times (n, C) per token.
const preEinsum = (h: Tensor, x: Tensor): Tensor => squeeze(matmul(unsqueeze(h, -2), x), -2);
// einsum('btij,btjc->btic', hres, x) + hpost[..., :, None] * y[..., None, :]
const postEinsum = (hres: Tensor, x: Tensor, hpost: Tensor, y: Tensor): Tensor =>
  add(matmul(hres, x), matmul(unsqueeze(hpost, -1), unsqueeze(y, -2)));

describe('hc_pre and hc_post_res values (float64, ref)', () => {
  test('hc_pre on a hand-computed token: u = 2·x_0 − x_1 + 0.5·x_2', () => {
    const h = tensor([2, -1, 0.5], { dtype: 'float64' });
    const x = tensor([[1, 2], [3, -4], [8, 10]], { dtype: 'float64' });
    expect(vals(hcPre(h, x))).toEqual([2 - 3 + 4, 4 + 4 + 5]);
  });

  test('hc_post_res on a hand-computed token: out_i = Σ_j hres_ij x_j + hpost_i y', () => {
    const hres = tensor([[1, 0], [0.5, 0.5]], { dtype: 'float64' });
    const x = tensor([[1, 2, 3], [5, 6, 7]], { dtype: 'float64' });
    const hpost = tensor([2, -1], { dtype: 'float64' });
    const y = tensor([1, 0, -1], { dtype: 'float64' });
    expect(vals(hcPostRes(hres, x, hpost, y))).toEqual([1 + 2, 2 + 0, 3 - 2, 3 - 1, 4 - 0, 5 + 1]);
  });

  test.each([
    { lead: [], n: 4, C: 6 },
    { lead: [3], n: 1, C: 5 },
    { lead: [2, 5], n: 4, C: 9 },
    { lead: [2, 3], n: 3, C: 1 },
  ])('match the spec einsums written with matmul: lead $lead, n $n, C $C', ({ lead, n, C }) => {
    const x = r([...lead, n, C], 1), h = r([...lead, n], 2), hres = r([...lead, n, n], 3), hpost = r([...lead, n], 4), y = r([...lead, C], 5);
    expectClose(vals(hcPre(h, x)), vals(preEinsum(h, x)), 1e-14);
    expectClose(vals(hcPostRes(hres, x, hpost, y)), vals(postEinsum(hres, x, hpost, y)), 1e-14);
    expect(hcPre(h, x).shape).toEqual([...lead, C]);
    expect(hcPostRes(hres, x, hpost, y).shape).toEqual([...lead, n, C]);
  });

  test('hc_post_res with hres = I and hpost = 0 is the identity; hc_pre with one-hot h selects a stream', () => {
    const x = r([2, 3, 4, 5], 6);
    const zeros = (shape: number[]) => fromArray(new Float64Array(shape.reduce((acc, d) => acc * d, 1)), shape, 'float64');
    const eye = fromArray(new Float64Array(2 * 3 * 16).map((_, k) => (Math.floor((k % 16) / 4) === k % 4 ? 1 : 0)), [2, 3, 4, 4], 'float64');
    expect(vals(hcPostRes(eye, x, zeros([2, 3, 4]), zeros([2, 3, 5])))).toEqual(vals(x));
    const oneHot = fromArray(new Float64Array(2 * 3 * 4).map((_, k) => (k % 4 === 2 ? 1 : 0)), [2, 3, 4], 'float64');
    const xs = vals(x);
    expect(vals(hcPre(oneHot, x))).toEqual(Array.from({ length: 2 * 3 * 5 }, (_, k) => xs[Math.floor(k / 5) * 20 + 2 * 5 + (k % 5)]!));
  });

  test('shapes that do not match exactly raise ShapeError/DTypeError naming the op (no broadcasting)', () => {
    const x = r([2, 4, 6], 1);
    expectError(() => hcPre(r([2, 3], 2), x), ShapeError, 'hc_pre:', 'h (2,3)', '(2,4)', 'no broadcasting');
    expectError(() => hcPre(r([1, 4], 2), x), ShapeError, 'hc_pre:', 'leading dims must match exactly');
    expectError(() => hcPre(r([4], 2), x), ShapeError, 'hc_pre:');
    expectError(() => hcPre(r([4], 2), r([6], 1)), ShapeError, 'hc_pre:', 'rank >= 2');
    expectError(() => hcPre(r([2, 4], 2, 'ref', 'float32'), x), DTypeError, 'hc_pre:', 'float32');
    const [hres, hpost, y] = [r([2, 4, 4], 3), r([2, 4], 4), r([2, 6], 5)];
    expectError(() => hcPostRes(r([2, 4, 3], 3), x, hpost, y), ShapeError, 'hc_post_res:', 'hres (2,4,3)', '(2,4,4)');
    expectError(() => hcPostRes(r([1, 4, 4], 3), x, hpost, y), ShapeError, 'hc_post_res:', 'no broadcasting');
    expectError(() => hcPostRes(hres, x, r([2, 3], 4), y), ShapeError, 'hc_post_res:', 'hpost (2,3)');
    expectError(() => hcPostRes(hres, x, hpost, r([2, 5], 5)), ShapeError, 'hc_post_res:', 'y (2,5)', '(2,6)');
    expectError(() => hcPostRes(hres, r([6], 1), hpost, y), ShapeError, 'hc_post_res:', 'rank >= 2');
  });
});

describe('hc_pre_backward and hc_post_res_backward values (float64, ref)', () => {
  test('hc_pre_backward on a hand-computed token: dh_j = <dOut, x_j>, dx_j = h_j dOut', () => {
    const h = tensor([2, -1], { dtype: 'float64' });
    const x = tensor([[1, 2, 3], [0, -1, 4]], { dtype: 'float64' });
    const dOut = tensor([1, 0.5, -2], { dtype: 'float64' });
    const [dh, dx] = hcPreBackward(h, x, dOut);
    expect(vals(dh!)).toEqual([1 + 1 - 6, 0 - 0.5 - 8]);
    expect(vals(dx!)).toEqual([2, 1, -4, -1, -0.5, 2]);
  });

  test('hc_post_res_backward on a hand-computed token', () => {
    const hres = tensor([[1, 2], [3, 4]], { dtype: 'float64' });
    const x = tensor([[1, 0], [0, 1]], { dtype: 'float64' });
    const hpost = tensor([0.5, -1], { dtype: 'float64' });
    const y = tensor([2, 3], { dtype: 'float64' });
    const dOut = tensor([[1, -1], [2, 1]], { dtype: 'float64' });
    const [dhres, dx, dhpost, dy] = hcPostResBackward(hres, x, hpost, y, dOut);
    expect(vals(dhres!)).toEqual([1, -1, 2, 1]); // dOut xᵀ with x = I
    expect(vals(dx!)).toEqual([1 + 6, -1 + 3, 2 + 8, -2 + 4]); // hresᵀ dOut
    expect(vals(dhpost!)).toEqual([2 - 3, 4 + 3]); // dOut y
    expect(vals(dy!)).toEqual([0.5 - 2, -0.5 - 1]); // Σ_i hpost_i dOut_i
  });

  test.each([
    { lead: [], n: 4, C: 6 },
    { lead: [3], n: 1, C: 5 },
    { lead: [2, 3], n: 5, C: 9 },
    { lead: [0], n: 3, C: 2 },
  ])('equal autodiff through the spec einsums: lead $lead, n $n, C $C', ({ lead, n, C }) => {
    const x = r([...lead, n, C], 1), h = r([...lead, n], 2), hres = r([...lead, n, n], 3), hpost = r([...lead, n], 4), y = r([...lead, C], 5);
    const dU = r([...lead, C], 6), dX = r([...lead, n, C], 7);
    const leaves = [h, x, hres, hpost, y].map((t) => t.detach().requireGrad()) as [Tensor, Tensor, Tensor, Tensor, Tensor];
    const [gh, gx] = gradients([sum(mul(preEinsum(leaves[0], leaves[1]), dU))], [tensor(1, { dtype: 'float64' })], [leaves[0], leaves[1]]);
    hcPreBackward(h, x, dU).forEach((g, k) => expectClose(vals(g), vals([gh, gx][k]!), 1e-13));
    const post = sum(mul(postEinsum(leaves[2], leaves[1], leaves[3], leaves[4]), dX));
    const want = gradients([post], [tensor(1, { dtype: 'float64' })], [leaves[2], leaves[1], leaves[3], leaves[4]]);
    hcPostResBackward(hres, x, hpost, y, dX).forEach((g, k) => {
      expect(g.shape).toEqual(want[k]!.shape);
      expectClose(vals(g), vals(want[k]!), 1e-13);
    });
  });

  test('bad gradients raise ShapeError/DTypeError naming the backward op', () => {
    const x = r([2, 4, 6], 1), h = r([2, 4], 2);
    expectError(() => hcPreBackward(h, x, r([2, 5], 3)), ShapeError, 'hc_pre_backward:', 'dOut (2,5)', '(2,6)');
    expectError(() => hcPreBackward(h, x, r([6], 3)), ShapeError, 'hc_pre_backward:', 'no broadcasting');
    expectError(() => hcPreBackward(h, x, r([2, 6], 3, 'ref', 'float32')), DTypeError, 'hc_pre_backward:', 'float32');
    expectError(() => hcPreBackward(r([2, 3], 2), x, r([2, 6], 3)), ShapeError, 'hc_pre_backward:', 'h (2,3)');
    const [hres, hpost, y] = [r([2, 4, 4], 3), r([2, 4], 4), r([2, 6], 5)];
    expectError(() => hcPostResBackward(hres, x, hpost, y, r([2, 6], 6)), ShapeError, 'hc_post_res_backward:', 'dOut (2,6)', '(2,4,6)');
    expectError(() => hcPostResBackward(hres, x, hpost, y, r([1, 4, 6], 6)), ShapeError, 'hc_post_res_backward:', 'no broadcasting');
    expectError(() => hcPostResBackward(hres, x, hpost, r([2, 6], 5, 'ref', 'float32'), r([2, 4, 6], 6)), DTypeError, 'hc_post_res_backward:', 'y');
    expectError(() => hcPostResBackward(r([2, 4, 3], 3), x, hpost, y, r([2, 4, 6], 6)), ShapeError, 'hc_post_res_backward:', 'hres (2,4,3)');
  });
});

// Every native path: n <= 4 (register accumulators), n = 5 and 9 (hc_pre's blocks of 8, hc_post_res's
// dot products), C below, at and past the 8 lanes with tails; webgpu: more than 64 channels per token.
const KERNEL_SHAPES = [
  { lead: [3], n: 1, C: 1 },
  { lead: [2], n: 2, C: 8 },
  { lead: [2, 3], n: 3, C: 19 },
  { lead: [5], n: 4, C: 37 },
  { lead: [2], n: 4, C: 136 },
  { lead: [3], n: 5, C: 24 },
  { lead: [2], n: 9, C: 70 },
];

/** The fused backward outputs of both ops on `backend` (float32 inputs drawn identically everywhere). */
async function backwardOutputs(backend: string, lead: number[], n: number, C: number): Promise<number[][]> {
  const f = (shape: number[], seed: number) => r(shape, seed, backend, 'float32');
  const x = f([...lead, n, C], 1);
  const outs = [
    ...hcPreBackward(f([...lead, n], 2), x, f([...lead, C], 3)),
    ...hcPostResBackward(f([...lead, n, n], 4), x, f([...lead, n], 5), f([...lead, C], 6), f([...lead, n, C], 7)),
  ];
  return Promise.all(outs.map(async (t) => Array.from(await t.data())));
}

for (const backend of ['native', 'webgpu']) {
  const status = backendStatus(backend);
  test.runIf(requiredBackends().includes(backend) && !status.available)(`${backend} is available (ZOO_REQUIRE lists it)`, () => {
    throw new Error(`backend '${backend}' is required by ZOO_REQUIRE but unavailable: ${status.reason}`);
  });

  describe.skipIf(!status.available)(`hc kernels on ${backend}`, () => {
    // NOTE: C = 37 is not a multiple of 8 (AVX2) and tokens·C not of 64 (the WGSL workgroup), so tails run.
    test('hc_pre and hc_post_res forward and backward run on kernels and match ref', async () => {
      const run = async (b: string) => {
        const [lead, n, C] = [[3, 5], 4, 37];
        const ins = [r([...lead, n, n], 1, b, 'float32'), r([...lead, n, C], 2, b, 'float32'), r([...lead, n], 3, b, 'float32'), r([...lead, n], 4, b, 'float32')].map((t) => t.requireGrad());
        const [hres, x, hpre, hpost] = ins as [Tensor, Tensor, Tensor, Tensor];
        const out = hcPostRes(hres, x, hpost, hcPre(hpre, x));
        const grads = gradients([out], [r([...lead, n, C], 5, b, 'float32')], ins);
        return Promise.all([out, ...grads].map(async (t) => Array.from(await t!.data())));
      };
      resetFallbackCounts();
      const got = await run(backend);
      expect(Object.fromEntries(fallbackCounts()), `decomposition fallbacks on ${backend}`).toEqual({});
      const want = await run('ref');
      got.forEach((g, k) => expectClose(g, want[k]!, 1e-5));
    });

    // NOTE: sums over C in float32: the bound is C-relative (a wrong index or lost tail errs by O(1)).
    test.each(KERNEL_SHAPES)('hc_pre_backward and hc_post_res_backward kernels match ref: lead $lead, n $n, C $C', async ({ lead, n, C }) => {
      resetFallbackCounts();
      const got = await backwardOutputs(backend, lead, n, C);
      expect(Object.fromEntries(fallbackCounts()), `decomposition fallbacks on ${backend}`).toEqual({});
      const want = await backwardOutputs('ref', lead, n, C);
      got.forEach((g, k) => expectClose(g, want[k]!, 4e-7 * (C + n)));
    });

    test.runIf(backend === 'native')('the portable path and a single thread give the same fused backward values', async () => {
      const info = addon().info();
      const shapes = KERNEL_SHAPES.slice(2);
      const avx = await Promise.all(shapes.map(({ lead, n, C }) => backwardOutputs('native', lead, n, C)));
      try {
        addon().setIsa('scalar');
        addon().setThreads(1);
        const scalar = await Promise.all(shapes.map(({ lead, n, C }) => backwardOutputs('native', lead, n, C)));
        scalar.forEach((outs, s) => outs.forEach((g, k) => expectClose(g, avx[s]![k]!, 4e-7 * (shapes[s]!.C + shapes[s]!.n))));
      } finally {
        addon().setIsa(info.isa === 'scalar' ? 'scalar' : 'avx2');
        addon().setThreads(info.threads);
      }
    });
  });
}
