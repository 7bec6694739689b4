// The hyper-connection stream ops hc_pre and hc_post_res (engine/ops/nn/hc_pre.ts, hc_post_res.ts):
// values against the spec's einsums (shared/specs/mhc-hc-attention.md §2.5) written with matmul,
// a hand-computed case, typed errors for shapes that do not match exactly, and the native and
// webgpu kernels (run without a decomposition fallback) against ref. Gradients and parity come
// from the registry suites.
import { describe, expect, test } from 'vitest';
import {
  DTypeError, ShapeError, ZooError, add, backendStatus, fallbackCounts, fromArray, gradients, hcPostRes, hcPre, initWebGPU, matmul, randn,
  requiredBackends, resetFallbackCounts, squeeze, tensor, unsqueeze, type Tensor,
} from '../../engine/index.js';

await initWebGPU();

const vals = (t: Tensor): number[] => Array.from(t.dataSync());
const r = (shape: number[], seed: number, backend = 'ref', dtype: 'float32' | 'float64' = 'float64'): Tensor => randn(shape, { seed, dtype, backend });

function expectClose(got: readonly number[], want: readonly number[], tol: number): void {
  expect(got).toHaveLength(want.length);
  got.forEach((v, i) => expect(Math.abs(v - want[i]!), `[${i}]: got ${v}, want ${want[i]}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(want[i]!))));
}

function expectError(fn: () => unknown, cls: new (...args: never[]) => ZooError, ...fragments: string[]): void {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(cls);
  for (const f of fragments) expect((err as Error).message).toContain(f);
}

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
  });
}
