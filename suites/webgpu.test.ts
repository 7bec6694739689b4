// The webgpu backend beyond the registry-driven parity suite (suites/parity.test.ts runs every op
// with a WGSL kernel there): kernel coverage, the Philox stream in WGSL, dispatches past 65,535
// workgroups, flat live buffers over training, matmul variants (and that a planted off-by-one
// in one is caught), typed errors instead of hangs, and what happens without an adapter.
// Without an adapter these tests skip loudly, unless ZOO_REQUIRE lists webgpu: then they fail.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import {
  BackendError, Generator, OPS, OP_NAMES, SGD, add, eq, ge, gt, le, lt, ne, bernoulli, dropout, fromArray, getBackend,
  gradients, initWebGPU, matmul, onesLike, rand, randint, randn, requiredBackends, scaledDotProductAttention, sum, tensor, type Tensor,
} from '../engine/index.js';
import { philoxWords } from '../engine/rng.js';
import { DECOMPOSED } from '../kernels/webgpu/decomposed.js';
import { openDevice } from '../kernels/webgpu/device.js';
import type { WebGPUBackend } from '../kernels/webgpu/backend.js';
import { KERNELS } from '../kernels/webgpu/kernels.js';
import { timeGpu } from '../kernels/webgpu/timing.js';
import { wgslVariants } from '../kernels/webgpu/wgsl.js';
import { traceMlpSteps } from './harness/mlp-steps.js';
import { checkParityAsync } from './harness/parity.js';

const status = await initWebGPU();
const required = requiredBackends().includes('webgpu');
if (!status.available && !required) console.warn(`webgpu tests SKIPPED: ${status.reason}`);

describe('webgpu kernel coverage', () => {
  test('every op has a WGSL kernel or is in the decomposition list, never both', () => {
    const kernels = new Set(Object.keys(KERNELS)), decomposed = new Set(Object.keys(DECOMPOSED));
    expect(OP_NAMES.filter((n) => !kernels.has(n) && !decomposed.has(n)), 'ops with neither').toEqual([]);
    expect(OP_NAMES.filter((n) => kernels.has(n) && decomposed.has(n)), 'ops with both').toEqual([]);
    expect([...kernels, ...decomposed].filter((n) => !(OP_NAMES as readonly string[]).includes(n)), 'unknown names').toEqual([]);
  });

  test('every op in the decomposition list has a decomposition', () => {
    expect(Object.keys(DECOMPOSED).filter((n) => !OPS[n as keyof typeof OPS].decompose)).toEqual([]);
  });
});

test.runIf(required && !status.available)('webgpu is available (ZOO_REQUIRE lists it)', () => {
  throw new Error(`backend 'webgpu' is required by ZOO_REQUIRE but unavailable: ${status.reason}`);
});

describe.skipIf(!status.available)(`webgpu on ${status.detail ?? 'no adapter'}`, () => {
  const b = status.available ? (getBackend('webgpu') as WebGPUBackend) : (null as unknown as WebGPUBackend);
  const on = { backend: 'webgpu' };
  const read = async (t: Tensor) => Array.from(await t.data());

  test('the adapter info is complete (it goes into every results file)', () => {
    const info = status.adapter!;
    expect(info.description || info.device).toBeTruthy();
    expect(info.limits['maxComputeWorkgroupsPerDimension']).toBeGreaterThan(0);
    console.log(`webgpu adapter: ${b.describe()}; features: ${info.features.join(' ')}`);
  });

  describe('Philox in WGSL reproduces engine/rng.ts', () => {
    test('randint over the full 32-bit range returns the raw words of the stream', async () => {
      const seed = 2 ** 40 + 12345, offset = 4 * 2 ** 30 + 6; // both past 2^32: 64-bit key and counter
      const n = 1001;
      const got = await read(randint([n], -(2 ** 31), 2 ** 31, { gen: new Generator(seed, offset), ...on }));
      const words = new Uint32Array(n);
      philoxWords(seed, offset, words);
      expect(got.map((v) => (v + 2 ** 31) >>> 0)).toEqual(Array.from(words));
    });

    test('uniform, bernoulli and randint draws equal ref exactly; normal within float32 rounding', async () => {
      const opts = (dev: string) => ({ gen: new Generator(7, 12), backend: dev });
      expect(await read(rand([257], opts('webgpu')))).toEqual(Array.from(rand([257], opts('ref')).dataSync()));
      expect(await read(bernoulli([257], 0.3, opts('webgpu')))).toEqual(Array.from(bernoulli([257], 0.3, opts('ref')).dataSync()));
      expect(await read(randint([257], -5, 17, opts('webgpu')))).toEqual(Array.from(randint([257], -5, 17, opts('ref')).dataSync()));
      const g = await read(randn([257], { ...opts('webgpu'), mean: 1, std: 2 }));
      const r = randn([257], { ...opts('ref'), mean: 1, std: 2 }).dataSync();
      g.forEach((v, i) => expect(Math.abs(v - r[i]!), `element ${i}`).toBeLessThanOrEqual(8 * 2 ** -24 * Math.max(1, Math.abs(r[i]!))));
    });

    test('dropout masks are identical to ref for the same seed and offset', async () => {
      const x = Array.from({ length: 1000 }, (_, i) => 1 + (i % 7));
      const attrs = { p: 0.37, seed: 99, offset: 1003 };
      const g = await read(dropout(tensor(x, on), attrs));
      const r = Array.from(dropout(tensor(x, { backend: 'ref' }), attrs).dataSync());
      expect(g.map((v) => v === 0)).toEqual(r.map((v) => v === 0));
    });
  });

  test('a dispatch of more than 65,535 workgroups is folded into a 2-D grid', async () => {
    // 64 invocations per workgroup: 65,537 workgroups.
    const n = 64 * 65536 + 37;
    const a = fromArray(Float32Array.from({ length: n }, (_, i) => i % 1000), [n], 'float32', on);
    const y = add(a, 1);
    const got = await y.data();
    expect(got[0]).toBe(1);
    expect(got[n - 1]).toBe(((n - 1) % 1000) + 1);
    let bad = 0;
    for (let i = 0; i < n; i += 997) if (got[i] !== (i % 1000) + 1) bad++;
    expect(bad).toBe(0);
    expect((await sum(a).data())[0]).toBe(Math.fround(Array.from({ length: n }, (_, i) => i % 1000).reduce((s, v) => s + v, 0)));
    [a, y].forEach((t) => t.dispose());
  });

  test('50 SGD steps of a small MLP leave the live-buffer count unchanged', async () => {
    const { live, losses } = await traceMlpSteps('webgpu', 3, 50, (params) => new SGD(params, { lr: 0.2, momentum: 0.9 }));
    // The first step creates the momentum buffers; after it every step frees what it allocates.
    expect(new Set(live.slice(1)).size, `live buffers per step: ${live.join(',')}`).toBe(1);
    expect(losses[49]!).toBeLessThan(losses[0]!);
  });

  test('synchronous reads and float64 raise typed errors that say what to do', () => {
    const t = tensor([1, 2], on);
    expect(() => t.dataSync()).toThrow(BackendError);
    expect(() => t.dataSync()).toThrow(/await t\.data\(\)/);
    expect(() => tensor([1, 2], { ...on, dtype: 'float64' })).toThrow(/webgpu has no float64/);
  });

  describe('matmul variants (kernels/wgsl/matmul.<variant>.wgsl)', () => {
    const userDir = mkdtempSync(join(tmpdir(), 'zoo-wgsl-'));
    const base = readFileSync(new URL('../kernels/wgsl/matmul.wgsl', import.meta.url), 'utf8');
    const plant = (name: string, from: string, to: string) => {
      if (!base.includes(from)) throw new Error(`matmul.wgsl no longer contains '${from}'`);
      writeFileSync(join(userDir, `matmul.${name}.wgsl`), base.replace(from, to));
    };
    // A user's variants: a copy of the default, one with an off-by-one in the K loop, one in the
    // store bounds check, and one that does not compile.
    plant('copy', 'Register-blocked', 'Register-blocked');
    plant('kloop', 'for (var k = 0u; k < P.K; k++)', 'for (var k = 0u; k + 1u < P.K; k++)');
    plant('bounds', 'if (j < P.N)', 'if (j <= P.N)');
    plant('broken', 'var acc0', 'var acc0: i32 =');
    process.env['ZOO_WGSL_PATH'] = userDir;
    afterAll(() => {
      delete process.env['ZOO_WGSL_PATH'];
      b.setVariant('matmul', 'default');
    });

    const runs = 12;
    const check = async (variant: string) => {
      b.setVariant('matmul', variant);
      try {
        return await checkParityAsync(OPS.matmul, 'webgpu', { runs });
      } finally {
        b.setVariant('matmul', 'default');
      }
    };

    test('row-major B with N % 4 == 0 is read as vec4s and still matches ref (batch broadcast, transA)', async () => {
      // The parity sizes (1, 3, 7, 17, 33, 129) never divide by 4, so this path needs its own case.
      for (const [sa, sb, transA] of [[[2, 1, 5, 7], [3, 7, 12], false], [[7, 37], [7, 36], true], [[1, 3], [3, 4], false]] as const) {
        const a = randn(sa, { seed: 4, backend: 'ref' }), bm = randn(sb, { seed: 5, backend: 'ref' });
        const want = matmul(a, bm, { transA }).dataSync();
        const got = await read(matmul(fromArray(a.dataSync(), sa, 'float32', on), fromArray(bm.dataSync(), sb, 'float32', on), { transA }));
        got.forEach((v, i) => expect(Math.abs(v - want[i]!), `${JSON.stringify([sa, sb])} element ${i}`).toBeLessThan(1e-5 * (1 + Math.abs(want[i]!))));
      }
    });

    test('variants are discovered from file names, including a user directory', () => {
      expect(wgslVariants('matmul')).toEqual(expect.arrayContaining(['default', 'tiled', 'subgroup', 'copy', 'kloop', 'bounds']));
    });

    const builtIn = ['tiled', 'subgroup', 'copy'];
    test.each(builtIn)('matmul.%s matches the float64 oracle', async (variant) => {
      if (variant === 'subgroup' && !status.adapter!.features.includes('subgroups')) {
        console.warn('matmul.subgroup skipped: the adapter has no subgroups feature');
        return;
      }
      const r = await check(variant);
      expect(r.failure?.message).toBeUndefined();
      expect(r.compared).toBeGreaterThan(0);
    });

    test.each(['kloop', 'bounds'])('a planted off-by-one (matmul.%s) fails the parity check', async (variant) => {
      const r = await check(variant);
      expect(r.passed).toBe(false);
      // A wrong value, or a write past the end of the output caught by the guard words.
      expect(r.failure!.message).toMatch(/^matmul on webgpu: ((output 0|gradient of differentiable input \d): element \d+|.*wrote past the end)/);
    });

    test('a variant that does not compile raises a BackendError naming it, not a hang', async () => {
      b.setVariant('matmul', 'broken');
      try {
        const a = tensor([[1, 2], [3, 4]], on);
        const first = matmul(a, a);
        await expect(first.data()).rejects.toThrow(/matmul\.broken/);
        // The cached pipeline remembers its error: the next use throws at once.
        expect(() => matmul(a, a)).toThrow(BackendError);
      } finally {
        b.setVariant('matmul', 'default');
      }
    });
  });

  // Ops without a WGSL kernel run as their decomposition into ops that have one (never on another
  // device): the same parity check holds for them, so the decomposition list is not a blind spot.
  test.each(Object.keys(DECOMPOSED))('%s runs through its decomposition and matches the float64 oracle', async (name) => {
    const r = await checkParityAsync(OPS[name as keyof typeof OPS], 'webgpu', { runs: 4 });
    expect(r.failure?.message).toBeUndefined();
  });

  // Comparisons with NaN follow IEEE (and torch): only ne is true. SwiftShader once lowered f32 `!=`
  // to an ordered compare, so ne(NaN, x) came out false and NaN handling in decompositions broke.
  test('comparisons with NaN and infinities match ref', async () => {
    const vals = [NaN, -Infinity, Infinity, 0, -0, 1, -2.5];
    const a = Float32Array.from(vals.flatMap((x) => vals.map(() => x))), b = Float32Array.from(vals.flatMap(() => vals));
    const on = (dev: string) => [fromArray(a, [a.length], 'float32', { backend: dev }), fromArray(b, [b.length], 'float32', { backend: dev })] as const;
    for (const [name, fn] of Object.entries({ eq, ne, lt, le, gt, ge })) {
      const want = Array.from(fn(...on('ref')).dataSync());
      expect(await read(fn(...on('webgpu'))), name).toEqual(want);
    }
  });

  test('scaled_dot_product_attention (causal, grouped kv heads) matches ref', async () => {
    const make = (dev: string) => {
      const q = randn([2, 4, 5, 8], { seed: 1, backend: dev }).requireGrad();
      const k = randn([2, 2, 7, 8], { seed: 2, backend: dev }).requireGrad();
      const v = randn([2, 2, 7, 8], { seed: 3, backend: dev }).requireGrad();
      const o = scaledDotProductAttention(q, k, v, { causal: true });
      const [dq, dk] = gradients([o], [onesLike(o)], [q, k]);
      return [o, dq!, dk!];
    };
    const want = make('ref').map((t) => Array.from(t.dataSync()));
    const got = await Promise.all(make('webgpu').map(read));
    got.forEach((g, j) => g.forEach((x, i) => expect(Math.abs(x - want[j]![i]!), `tensor ${j} element ${i}`).toBeLessThan(1e-5 * (1 + Math.abs(want[j]![i]!)))));
  });

  test('a lost device surfaces as a BackendError on the next op and read, never a hang', async () => {
    const { WebGPUBackend } = await import('../kernels/webgpu/backend.js');
    const other = new WebGPUBackend(await openDevice());
    const meta = { shape: [2], dtype: 'float32' } as const;
    const s = other.upload(Float32Array.from([1, 2]), meta);
    other.gpu.device.destroy();
    await other.gpu.device.lost;
    await expect(other.read(s, meta)).rejects.toThrow(BackendError);
    expect(() => other.upload(Float32Array.from([1, 2]), meta)).toThrow(/webgpu device destroyed/);
  });

  test('timing uses GPU timestamps when the adapter has them and says so', async () => {
    const a = randn([64, 64], { ...on, seed: 1 });
    const t = await timeGpu(b, () => [matmul(a, a)], { reps: 3 });
    expect(t.method).toBe(status.adapter!.features.includes('timestamp-query') ? 'gpu-timestamps' : 'wall-clock');
    expect(t.ms).toBeGreaterThan(0);
  });
});

describe('without an adapter', () => {
  test('the backend is reported unavailable with the reason', async () => {
    const saved = process.env['VK_ICD_FILENAMES'];
    process.env['VK_ICD_FILENAMES'] = '/nonexistent/vk_icd.json';
    try {
      await expect(openDevice({})).rejects.toThrow(/no WebGPU adapter/);
    } finally {
      if (saved === undefined) delete process.env['VK_ICD_FILENAMES'];
      else process.env['VK_ICD_FILENAMES'] = saved;
    }
  });
});
