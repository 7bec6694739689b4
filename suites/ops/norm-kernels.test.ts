// The normalization kernels of the accelerated backends (native/src/norm.cc, kernels/webgpu/norm.ts,
// kernels/webgpu/rows.ts): forward and backward of every norm run on kernels, with no fallback to
// a decomposition (engine/dispatch.ts fallbackCounts), and agree with ref; and the parity suite
// is shown to catch a planted bug of the kind SIMD kernels have (a dropped scalar tail loop).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  OPS, backendStatus, batchNorm, fallbackCounts, gradients, groupNorm, initWebGPU, instanceNorm, layerNorm, rand, randn, requiredBackends,
  resetFallbackCounts, rmsNorm, type Tensor,
} from '../../engine/index.js';
import type { LayerNormAttrs } from '../../engine/ops/nn/layer_norm.js';
import { sizeOf } from '../../engine/shape.js';
import { NATIVE_KERNELS } from '../../kernels/native/index.js';
import type { NativeKernel } from '../../kernels/native/types.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LimitMeasurement, MachineLimits } from '../../reports/schema.js';
import { limitsFor } from '../harness/bench/limits.js';
import { runBench } from '../harness/bench/run.js';
import { checkParity } from '../harness/parity.js';
import { MODELS } from '../../zoo/index.js';

await initWebGPU();

type Inputs = { x: Tensor; params: Tensor[] };
interface NormCase {
  name: string;
  make: (backend: string) => Inputs;
  run: (i: Inputs) => Tensor;
}

const r = (shape: number[], seed: number, backend: string) => randn(shape, { seed, backend }).requireGrad();
// NOTE: the shapes are not multiples of 8 (the AVX2 width) or 64 (the WGSL workgroup), so tails run.
const CASES: NormCase[] = [
  {
    name: 'layer_norm (weight, bias)',
    make: (b) => ({ x: r([5, 3, 37], 1, b), params: [r([3, 37], 2, b), r([3, 37], 3, b)] }),
    run: ({ x, params: [w, bias] }) => layerNorm(x, [3, 37], w!, bias!),
  },
  {
    name: 'layer_norm (bias only)',
    make: (b) => ({ x: r([9, 70], 4, b), params: [r([70], 5, b)] }),
    run: ({ x, params: [bias] }) => layerNorm(x, 70, null, bias!),
  },
  {
    name: 'rms_norm (weight)',
    make: (b) => ({ x: r([6, 45], 6, b), params: [r([45], 7, b)] }),
    run: ({ x, params: [w] }) => rmsNorm(x, 45, w!),
  },
  {
    name: 'batch_norm (training)',
    make: (b) => ({ x: r([4, 3, 11], 8, b), params: [r([3], 9, b), r([3], 10, b)] }),
    run: ({ x, params: [w, bias] }) => batchNorm(x, { training: true, weight: w!, bias: bias! }).y,
  },
  {
    name: 'batch_norm (eval)',
    make: (b) => ({ x: r([4, 3, 11], 11, b), params: [randn([3], { seed: 12, backend: b }), rand([3], { seed: 13, backend: b, low: 0.5, high: 2 }), r([3], 14, b)] }),
    run: ({ x, params: [m, v, w] }) => batchNorm(x, { training: false, runningMean: m!, runningVar: v!, weight: w! }).y,
  },
  {
    name: 'group_norm',
    make: (b) => ({ x: r([2, 6, 3, 5], 15, b), params: [r([6], 16, b), r([6], 17, b)] }),
    run: ({ x, params: [w, bias] }) => groupNorm(x, 3, w!, bias!),
  },
  {
    name: 'instance_norm',
    make: (b) => ({ x: r([2, 3, 13], 18, b), params: [r([3], 19, b)] }),
    run: ({ x, params: [w] }) => instanceNorm(x, w!),
  },
];

/** y and the gradients of <v, y> with respect to x and the parameters, read back. */
async function forwardBackward(c: NormCase, backend: string): Promise<number[][]> {
  const inputs = c.make(backend);
  const y = c.run(inputs);
  const v = randn([...y.shape], { seed: 99, backend });
  const wrt = [inputs.x, ...inputs.params.filter((p) => p.requiresGrad)];
  const grads = gradients([y], [v], wrt);
  return Promise.all([y, ...grads].map(async (t) => Array.from(await t!.data())));
}

for (const backend of ['native', 'webgpu']) {
  const status = backendStatus(backend);
  const required = requiredBackends().includes(backend);
  test.runIf(required && !status.available)(`${backend} is available (ZOO_REQUIRE lists it)`, () => {
    throw new Error(`backend '${backend}' is required by ZOO_REQUIRE but unavailable: ${status.reason}`);
  });

  describe.skipIf(!status.available)(`norm kernels on ${backend}`, () => {
    test.each(CASES)('$name: forward and backward run on kernels and match ref', async (c) => {
      resetFallbackCounts();
      const got = await forwardBackward(c, backend);
      const fallbacks = Object.fromEntries(fallbackCounts());
      expect(fallbacks, `decomposition fallbacks on ${backend}`).toEqual({});
      const want = await forwardBackward(c, 'ref');
      got.forEach((g, k) => {
        const scale = Math.max(1, ...want[k]!.map(Math.abs));
        g.forEach((v, i) => expect(Math.abs(v - want[k]![i]!), `${c.name} result ${k}[${i}]: ${v} vs ref ${want[k]![i]}`).toBeLessThanOrEqual(1e-4 * scale));
      });
    });
  });
}

describe.skipIf(!backendStatus('native').available)('the parity suite catches a planted kernel bug', () => {
  const table = NATIVE_KERNELS as Record<string, NativeKernel<unknown>>;
  const real = table['layer_norm']!;
  beforeAll(() => {
    // What a kernel without its scalar tail loop computes: the outputs past the last full 8-lane
    // vector of each row are never written (they stay at the allocation's zeros).
    table['layer_norm'] = (inputs, attrs, outs) => {
      const [y] = real(inputs, attrs, outs);
      const len = sizeOf((attrs as LayerNormAttrs).normalizedShape);
      const full = len - (len % 8);
      for (let at = 0; at < y!.length; at += len) y!.fill(0, at + full, at + len);
      return [y!];
    };
  });
  afterAll(() => {
    table['layer_norm'] = real;
  });

  test('layer_norm without its tail loop fails parity on native', () => {
    const res = checkParity(OPS.layer_norm, 'native', { runs: 20 });
    expect(res.passed).toBe(false);
    expect(res.failure!.message).toContain('layer_norm on native');
  });

  test('the real kernel passes the same check', () => {
    table['layer_norm'] = real;
    expect(checkParity(OPS.layer_norm, 'native', { runs: 20 }).passed).toBe(true);
  });
});

describe('in-cache op benchmarks (zoo bench --op layer_norm --in-cache)', () => {
  const m = (value: number): LimitMeasurement => ({ value, method: 'test', runs: [value] });
  const limits: MachineLimits = { cpu: { peakFlops: m(100e9), bandwidth: m(20e9), cacheBandwidth: m(80e9), caches: { l2Bytes: null, l3Bytes: null } }, devices: { webgpu: { peakFlops: m(1e9), bandwidth: m(2e9) } } };

  test('the in-cache bound is the L2-resident triad for CPU backends, the device figure otherwise', () => {
    expect(limitsFor(limits, 'native')).toEqual({ peak: 100e9, bandwidth: 20e9 });
    expect(limitsFor(limits, 'native', true)).toEqual({ peak: 100e9, bandwidth: 80e9 });
    expect(limitsFor(limits, 'webgpu', true)).toEqual({ peak: 1e9, bandwidth: 2e9 });
    const { cacheBandwidth: _, ...older } = limits.cpu;
    expect(limitsFor({ ...limits, cpu: older }, 'native', true).bandwidth).toBeNull();
  });

  test('an in-cache op benchmark times one input set and says so', async () => {
    const json = join(mkdtempSync(join(tmpdir(), 'zoo-norm-bench-')), 'bench.json');
    const run = await runBench({
      models: [], ops: ['layer_norm'], backends: ['ref'], preset: 'tiny', modes: [], shapes: [[64, 33]], attrs: { normalizedShape: [33] }, dtype: 'float32',
      minTimeS: 0.02, maxTimeS: 0.1, warmupS: 0.01, targetSpread: 0.05, repeatAA: false, seed: 0, limits: false, inCache: true, json,
    }, MODELS);
    const [rec] = run.file.benchmarks;
    expect(rec!.status).toBe('ok');
    expect(rec!.inputSets!.count).toBe(1);
    expect(rec!.note).toMatch(/in-cache/);
    expect(rec!.achieved!.gbps).toBeGreaterThan(0);
  });
});
