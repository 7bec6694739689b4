// The WGSL segment kernels (kernels/webgpu/segment.ts) beyond the registry-driven parity suite,
// whose cases stay small: a graph with a hub segment, empty segments and unsorted ids, checked
// against ref in float64; int32 data exactly; the same bits on every run (the CSR layout is sorted,
// so no result depends on atomic ordering); NaN propagation; no edges; no decomposition fallback.
import { describe, expect, test } from 'vitest';
import {
  fallbackCounts, fromArray, initWebGPU, requiredBackends, resetFallbackCounts, segmentMax, segmentMean, segmentSoftmax, segmentSum,
  type Tensor,
} from '../../engine/index.js';

const status = await initWebGPU();
const required = requiredBackends().includes('webgpu');

/** Deterministic integers (a fixed LCG, independent of the engine's RNG). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
}

const E = 6000, N = 400, INNER = 3;
// Segment 0 is a hub (a quarter of the edges); segments 1, 7, 100 and 399 stay empty; ids unsorted.
const EMPTY = new Set([1, 7, 100, 399]);
const ids = (() => {
  const r = lcg(7);
  return Int32Array.from({ length: E }, () => {
    if (r() % 4 === 0) return 0;
    let s = r() % N;
    while (EMPTY.has(s)) s = (s + 1) % N;
    return s;
  });
})();
const data = (() => {
  const r = lcg(11);
  return Array.from({ length: E * INNER }, () => (r() / 2 ** 32) * 8 - 4);
})();

const OPS: [string, (x: Tensor, i: Tensor, n: number) => Tensor][] = [
  ['segment_sum', segmentSum],
  ['segment_mean', segmentMean],
  ['segment_max', segmentMax],
  ['segment_softmax', segmentSoftmax],
];

describe.runIf(status.available || required)('webgpu segment kernels', () => {
  const on = (backend: string, float: 'float32' | 'float64') => ({
    x: fromArray(float === 'float64' ? Float64Array.from(data, Math.fround) : Float32Array.from(data), [E, INNER], float, { backend }),
    i: fromArray(ids, [E], 'int32', { backend }),
  });

  test('webgpu is available', () => expect(status.available, status.reason).toBe(true));

  test.each(OPS)('%s: a 6000-edge graph with a hub and empty segments matches ref (float64) within float32 accuracy', async (name, fn) => {
    const ref = on('ref', 'float64'), gpu = on('webgpu', 'float32');
    resetFallbackCounts();
    const got = await fn(gpu.x, gpu.i, N).data();
    expect([...fallbackCounts().keys()].filter((k) => k.startsWith('webgpu:segment'))).toEqual([]);
    const want = fn(ref.x, ref.i, N).dataSync();
    expect(got.length).toBe(want.length);
    let worst = 0;
    for (let k = 0; k < want.length; k++) worst = Math.max(worst, Math.abs(got[k]! - want[k]!) / (1e-6 + Math.abs(want[k]!)));
    expect(worst, `${name}: worst relative error`).toBeLessThan(2e-5);
    if (name !== 'segment_softmax') for (const s of EMPTY) for (let j = 0; j < INNER; j++) expect(got[s * INNER + j], `empty segment ${s}`).toBe(0);
  });

  test.each(OPS)('%s: the same bits on every run', async (_name, fn) => {
    const gpu = on('webgpu', 'float32');
    const a = await fn(gpu.x, gpu.i, N).data(), b = await fn(gpu.x, gpu.i, N).data();
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
  });

  test('int32 segment_sum and segment_max equal ref exactly (wrapping sums)', async () => {
    const r = lcg(3);
    const ints = Int32Array.from({ length: E * INNER }, () => (r() | 0) >> 1); // large values: the sums wrap
    for (const fn of [segmentSum, segmentMax]) {
      const got = await fn(fromArray(ints, [E, INNER], 'int32', { backend: 'webgpu' }), fromArray(ids, [E], 'int32', { backend: 'webgpu' }), N).data();
      const want = fn(fromArray(ints, [E, INNER], 'int32', { backend: 'ref' }), fromArray(ids, [E], 'int32', { backend: 'ref' }), N).dataSync();
      expect(Array.from(got)).toEqual(Array.from(want));
    }
  });

  test('NaN wins in segment_max and spreads over its segment in segment_softmax; other segments are untouched', async () => {
    const x = fromArray(Float32Array.from([1, NaN, 3, -Infinity, 2, 5]), [6], 'float32', { backend: 'webgpu' });
    const i = fromArray(Int32Array.from([0, 0, 1, 2, 1, 0]), [6], 'int32', { backend: 'webgpu' });
    expect(Array.from(await segmentMax(x, i, 4).data())).toEqual([NaN, 3, -Infinity, 0]);
    const y = await segmentSoftmax(x, i, 4).data();
    [0, 1, 5].forEach((e) => expect(y[e]).toBeNaN());
    expect(y[2]! + y[4]!).toBeCloseTo(1, 6);
    expect(y[3]).toBeNaN(); // -inf - (-inf): as ref and torch
  });

  test('no edges: reductions give zeros, softmax an empty result', async () => {
    const x = fromArray(new Float32Array(0), [0, 2], 'float32', { backend: 'webgpu' });
    const i = fromArray(new Int32Array(0), [0], 'int32', { backend: 'webgpu' });
    for (const fn of [segmentSum, segmentMean, segmentMax]) expect(Array.from(await fn(x, i, 3).data())).toEqual([0, 0, 0, 0, 0, 0]);
    expect((await segmentSoftmax(x, i, 3).data()).length).toBe(0);
  });
});

// Measurement, not a check (ZOO_BENCH_SEGMENT=1): segment_sum and segment_max on a 20,000-edge,
// 500-segment graph (8 features per edge), the WGSL kernel against the op's decomposition in the
// same run (scatter_add, O(N·8·E); a dense E × N masked max), validated against each other first.
// (segment_mean and segment_softmax decompose into these two, so their chains are not the old ones.)
describe.runIf(process.env['ZOO_BENCH_SEGMENT'] && status.available)('webgpu segment kernels vs decompositions (measurement)', () => {
  test('20k edges, 500 segments, 8 features', async () => {
    const { OPS: REGISTRY } = await import('../../engine/index.js');
    const e = 20_000, n = 500, f = 8;
    const r = lcg(5);
    const x = fromArray(Float32Array.from({ length: e * f }, () => r() / 2 ** 31 - 1), [e, f], 'float32', { backend: 'webgpu' });
    const i = fromArray(Int32Array.from({ length: e }, () => r() % n), [e], 'int32', { backend: 'webgpu' });
    const median = (v: number[]) => [...v].sort((p, q) => p - q)[v.length >> 1]!;
    for (const name of ['segment_sum', 'segment_max'] as const) {
      const def = REGISTRY[name];
      const fused = () => fnOf(name)(x, i, n);
      const chain = () => def.decompose!([x, i], { numSegments: n })[0]!;
      const [a, b] = [await fused().data(), await chain().data()];
      let worst = 0;
      for (let k = 0; k < a.length; k++) worst = Math.max(worst, Math.abs(a[k]! - b[k]!) / (1e-6 + Math.abs(b[k]!)));
      expect(worst, name).toBeLessThan(1e-4);
      const time = async (fn: () => Tensor) => {
        const t0 = performance.now();
        const y = fn();
        await y.data();
        const ms = performance.now() - t0;
        y.dispose();
        return ms;
      };
      const tf: number[] = [], tc: number[] = [];
      for (let k = 0; k < 3; k++) {
        tf.push(await time(fused));
        tc.push(await time(chain));
      }
      console.log(`${name}: WGSL kernel median ${median(tf).toFixed(1)} ms, decomposition median ${median(tc).toFixed(1)} ms (${(median(tc) / median(tf)).toFixed(1)}x)`);
    }
  }, 600_000);
});

function fnOf(name: string): (x: Tensor, i: Tensor, n: number) => Tensor {
  return OPS.find(([k]) => k === name)![1];
}
