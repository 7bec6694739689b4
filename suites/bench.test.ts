// Benchmarks: statistics, the adaptive stopper, a tiny benchmark's results file, validation
// failures, bad input and Ctrl-C. Nothing here asserts on a measured time.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  Generator, Linear, Module, backendStatus, getBackend, mseLoss, randn, registerBackend, type Backend,
} from '../engine/index.js';
import { RefBackend, RefStorage } from '../kernels/ref/backend.js';
import { readResults } from '../reports/io.js';
import { BENCH_SCHEMA, BENCH_VERSION, type BenchRecord, type BenchResultsFile } from '../reports/schema.js';
import { GEMM_SUITE, gemmDims } from './harness/bench/gemm.js';
import { setThreads, threadsOf } from './harness/bench/hooks.js';
import { cpuPeak } from './harness/bench/limits.js';
import { runBench, type BenchRequest } from './harness/bench/run.js';
import { adaptiveSample, stopReason, type SamplingOptions } from './harness/bench/sampling.js';
import { bootstrapMedianCI, median, quantile, relativeSpread, summarize } from './harness/bench/stats.js';
import { PhiloxSource } from './harness/values.js';
import { MODELS, defineModel, type AnyModel } from '../zoo/index.js';

const BIN = join(import.meta.dirname, '..', 'dist', 'cli', 'zoo.js');
const tmp = () => mkdtempSync(join(tmpdir(), 'zoo-bench-'));

function zoo(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

// ---- a tiny model registered only in this file: y = W x + b fitted to random targets ----------
interface TinyConfig { inFeatures: number; outFeatures: number; batchSize: number }
class TinyNet extends Module {
  readonly lin: Linear;
  constructor(c: TinyConfig, gen: Generator, opts: { backend?: Backend | string }) {
    super();
    this.lin = this.module('lin', new Linear(c.inFeatures, c.outFeatures, { gen, ...opts }));
  }
}
const tiny = defineModel<TinyConfig, TinyNet>({
  name: 'tiny-linear', family: 'test', doc: 'one Linear layer (test only)',
  presets: { tiny: { inFeatures: 8, outFeatures: 4, batchSize: 6 }, bench: { inFeatures: 16, outFeatures: 8, batchSize: 32 } },
  build: (c, gen, opts) => new TinyNet(c, gen, opts ?? {}),
  data: (c, opts) => ({
    description: 'normal inputs and targets',
    trainBatch: (step) => ({
      x: randn([c.batchSize, c.inFeatures], { seed: opts.seed + 2 * step, backend: opts.backend }),
      y: randn([c.batchSize, c.outFeatures], { seed: opts.seed + 2 * step + 1, backend: opts.backend }),
    }),
    valBatches: () => [],
  }),
  loss: (m, b) => mseLoss(m.lin.forward(b['x']!), b['y']!),
  flops: (c) => ({ forward: 2 * c.batchSize * c.inFeatures * c.outFeatures, train: 6 * c.batchSize * c.inFeatures * c.outFeatures }),
  units: (c) => ({ count: c.batchSize, unit: 'samples' }),
  trainCheck: { steps: 1, lr: 0.1, maxRatio: 1 },
  invariants: [],
});
const REGISTRY: Record<string, AnyModel> = { [tiny.name]: tiny };

const quick = (over: Partial<BenchRequest>): BenchRequest => ({
  models: [], ops: [], backends: ['ref'], preset: 'tiny', modes: ['train', 'infer'], dtype: 'float32',
  minTimeS: 0.02, maxTimeS: 0.1, warmupS: 0.01, targetSpread: 0.05, repeatAA: false, seed: 0, limits: false,
  json: join(tmp(), 'bench.json'), ...over,
});

/** The invariants every measured record satisfies. */
function expectConsistent(r: BenchRecord): void {
  const s = r.summary!;
  expect(r.status).toBe('ok');
  expect(s.n).toBe(r.samplesMs.length);
  expect(s.n).toBeGreaterThan(0);
  expect(s.median).toBeCloseTo(median(r.samplesMs), 12);
  expect(s.p10).toBeLessThanOrEqual(s.p50);
  expect(s.p50).toBeLessThanOrEqual(s.p90);
  expect(s.p90).toBeLessThanOrEqual(s.p99);
  expect(s.ci[0]).toBeLessThanOrEqual(s.median);
  expect(s.ci[1]).toBeGreaterThanOrEqual(s.median);
  expect(r.firstRunMs).toBeGreaterThan(0);
  expect(r.warmup.iterations).toBeGreaterThanOrEqual(1);
  expect(r.throughput!.perSecond).toBeCloseTo(r.work.units! / (s.median / 1000), 6);
  expect(r.memory.rssPeakBytes).toBeGreaterThan(0);
  expect(r.sync.method).toMatch(/wall clock/);
}

describe('statistics', () => {
  test('percentiles interpolate between closest ranks (numpy default) — by hand', () => {
    // x = 1, 2, 3, 4: h = 3q; p10 at h = 0.3 → 1.3, p50 at 1.5 → 2.5, p90 at 2.7 → 3.7, p99 at 2.97 → 3.97.
    const xs = [4, 1, 3, 2];
    expect(quantile(xs, 0.1)).toBeCloseTo(1.3, 12);
    expect(quantile(xs, 0.5)).toBeCloseTo(2.5, 12);
    expect(quantile(xs, 0.9)).toBeCloseTo(3.7, 12);
    expect(quantile(xs, 0.99)).toBeCloseTo(3.97, 12);
    expect(median([5, 1, 3])).toBe(3);
    // IQR/median of 1..5: p25 = 2, p75 = 4, median 3 → 2/3.
    expect(relativeSpread([1, 2, 3, 4, 5])).toBeCloseTo(2 / 3, 12);
  });

  test('the bootstrap interval of a normal sample covers the true median about 95% of the time', () => {
    // 100 seeded experiments of n = 41 draws from N(10, 1); the median's standard error is
    // sqrt(π/2)/sqrt(n) ≈ 0.196, so the 95% interval is about ±0.38 wide.
    let covered = 0, width = 0;
    for (let e = 0; e < 100; e++) {
      const src = new PhiloxSource(1000 + e);
      const xs = Array.from({ length: 41 }, () => 10 + src.normal());
      const [lo, hi] = bootstrapMedianCI(xs, { seed: e, resamples: 500 });
      if (lo <= 10 && 10 <= hi) covered++;
      width += (hi - lo) / 100;
    }
    expect(covered).toBeGreaterThanOrEqual(85);
    expect(covered).toBeLessThanOrEqual(100);
    expect(width).toBeGreaterThan(0.5);
    expect(width).toBeLessThan(1.2);
  });

  test('the bootstrap is a function of the seed and always contains the median', () => {
    const xs = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5];
    expect(bootstrapMedianCI(xs, { seed: 7 })).toEqual(bootstrapMedianCI(xs, { seed: 7 }));
    fc.assert(fc.property(fc.array(fc.double({ min: 0.001, max: 1e3, noNaN: true }), { minLength: 1, maxLength: 40 }), fc.nat(1000), (ys, seed) => {
      const [lo, hi] = bootstrapMedianCI(ys, { seed, resamples: 200 });
      const m = median(ys);
      return lo <= m && m <= hi && lo >= Math.min(...ys) && hi <= Math.max(...ys);
    }), { numRuns: 200 });
  });

  test('summarize orders its percentiles', () => {
    fc.assert(fc.property(fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 60 }), (ys) => {
      const s = summarize(ys);
      return s.min <= s.p10 && s.p10 <= s.p50 && s.p50 <= s.p90 && s.p90 <= s.p99 && s.p99 <= s.max && s.n === ys.length;
    }), { numRuns: 200 });
  });
});

describe('adaptive stopper', () => {
  const o: SamplingOptions = { minTimeMs: 100, maxTimeMs: 1000, targetSpread: 0.05, minSamples: 5 };
  test('stops on a small spread only after the minimum time and samples', () => {
    const tight = [10, 10.1, 9.9, 10, 10.05];
    expect(stopReason(tight, 50, o)).toBeNull(); // before minTime
    expect(stopReason(tight.slice(0, 4), 500, o)).toBeNull(); // too few samples
    expect(stopReason(tight, 500, o)).toBe('converged');
    expect(stopReason([10, 20, 5, 40, 10], 500, o)).toBeNull(); // spread too large: keep going
    expect(stopReason([10, 20, 5, 40, 10], 1000, o)).toBe('max-time');
    expect(stopReason([10, 20], 1000, o)).toBeNull(); // past the maximum time, but an interval needs 3 samples
    expect(stopReason([10, 20], 3000, o)).toBe('max-time'); // ... unless 3 × the maximum time has passed
    expect(stopReason([10], 2000, { ...o, maxSamples: 1 })).toBe('max-samples');
    const ac = new AbortController();
    ac.abort();
    expect(stopReason(tight, 0, { ...o, signal: ac.signal })).toBe('interrupted');
  });

  test('adaptiveSample keeps drawing rounds until the rule says stop', async () => {
    let k = 0;
    const steady = await adaptiveSample(async () => [5 + 0.001 * (k++ % 3)], { minTimeMs: 0, maxTimeMs: 60_000 });
    expect(steady.stoppedBy).toBe('converged');
    expect(steady.samples).toHaveLength(5);
    const noisy = await adaptiveSample(async () => [1 + 10 * (k++ % 2)], { minTimeMs: 0, maxTimeMs: 60_000, maxSamples: 40 });
    expect(noisy.stoppedBy).toBe('max-samples');
    expect(noisy.samples).toHaveLength(40);
  });
});

describe('zoo bench', () => {
  test('a tiny model and a tiny op on ref produce a valid results file', async () => {
    const json = join(tmp(), 'tiny.json');
    const run = await runBench(quick({ models: ['tiny-linear'], modes: ['train', 'infer', 'decode'], ops: ['add'], shapes: [[16, 16], [16, 16]], limits: true, json }), REGISTRY);
    const file = readResults<BenchResultsFile>(json, BENCH_SCHEMA, BENCH_VERSION);
    expect(file.kind).toBe('bench');
    expect(file.partial).toBe(false);
    expect(file.environment.node).toBe(process.version);
    expect(file.backends.map((b) => b.name)).toEqual(['ref']);
    expect(file.limits.cpu.bandwidth.value).toBeGreaterThan(0);
    expect(file.benchmarks.map((b) => `${b.name}:${b.mode}:${b.status}`)).toEqual(['tiny-linear:train:ok', 'tiny-linear:infer:ok', 'tiny-linear:decode:skipped', 'add:op:ok']);
    const [train, infer, decode, add] = file.benchmarks as [BenchRecord, BenchRecord, BenchRecord, BenchRecord];
    for (const r of [train, infer, add]) {
      expectConsistent(r);
      expect(r.validation.status).toBe('oracle');
    }
    expect(train.throughput!.unit).toBe('samples/s');
    expect(train.work.flops).toBe(6 * 6 * 8 * 4); // tiny preset: 6 × 8 → 4, train = 3 × forward
    expect(train.work.bytes).toBeGreaterThan(0); // metered op costs
    expect(decode.note).toMatch(/no KV-cache decoding API/);
    expect(add.callsPerSample).toBeGreaterThanOrEqual(1);
    expect(add.inputSets!.count).toBeGreaterThanOrEqual(2);
    expect(add.work.flops).toBe(256);
    expect(add.roofline.bound).not.toBe('compute'); // 1 FLOP per 12 bytes is below any ridge
    expect(run.file.summary).toMatchObject({ benchmarks: 4, ok: 3, failed: 0, skipped: 1 });
  });

  test('every registered model benchmarks its tiny preset on ref', async () => {
    const names = Object.keys(MODELS);
    if (!names.length) return;
    const run = await runBench(quick({ models: names, modes: ['train', 'infer', 'decode'] }), MODELS);
    for (const r of run.file.benchmarks) {
      if (r.status === 'skipped') {
        expect(r.mode).toBe('decode');
        continue;
      }
      expectConsistent(r);
    }
  });

  test('a backend whose GEMM (matmul and linear) is planted wrong fails validation and is never timed', async () => {
    const inner = new RefBackend();
    const planted = new Proxy(inner, {
      get(t, p) {
        if (p === 'name') return 'planted';
        if (p === 'run') {
          return (...args: Parameters<Backend['run']>) => {
            const out = t.run(...args);
            if (args[0] === 'matmul' || args[0] === 'linear') for (const s of out) (s as RefStorage).data.forEach((v, i, a) => { a[i] = v * 1.01; });
            return out;
          };
        }
        const v = Reflect.get(t, p, t) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
      },
    }) as Backend;
    registerBackend('planted', () => planted);
    const run = await runBench(quick({ backends: ['planted'], models: ['tiny-linear'], modes: ['infer'], ops: ['matmul', 'add'], shapes: [[8, 8], [8, 8]] }), REGISTRY);
    const [model, matmul, add] = run.file.benchmarks as [BenchRecord, BenchRecord, BenchRecord];
    for (const r of [model, matmul]) {
      expect(r.status).toBe('failed');
      expect(r.validation.status).toBe('failed');
      expect(r.validation.error).toBeGreaterThan(r.validation.tolerance);
      expect(r.samplesMs).toEqual([]);
      expect(r.summary).toBeNull();
      expect(r.firstRunMs).toBeNull();
      expect(r.note).toMatch(/validation failed on planted/);
    }
    expect(add.status).toBe('ok'); // its add kernel is fine
    expect(add.validation.status).toBe('passed');
    expect(run.file.summary.failed).toBe(2);
  });
});

describe('zoo bench CLI', () => {
  test('writes a results file for an op and prints the table', () => {
    const json = join(tmp(), 'op.json');
    const r = zoo(['bench', '--op', 'add', '--shape', '32x32,32x32', '--backend', 'ref', '--min-time', '0.02', '--max-time', '0.1', '--warmup', '0.01', '--no-limits', '--json', json]);
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.out).toMatch(/add\s+32x32,32x32\s+ref/);
    expect(readResults<BenchResultsFile>(json, BENCH_SCHEMA, BENCH_VERSION).benchmarks[0]!.status).toBe('ok');
  });

  test('bad input exits 2 with one line naming the valid choices, and a corrupt results file is left alone', () => {
    const json = join(tmp(), 'keep.json');
    writeFileSync(json, 'corrupt{');
    const cases: [string[], RegExp][] = [
      [['bench', '--model', 'nosuch'], /unknown model 'nosuch' \(valid: /],
      [['bench', '--op', 'nosuch', '--shape', '2x2'], /unknown op 'nosuch' \(valid: /],
      [['bench', '--op', 'add', '--shape', '2x2,2x2', '--backend', 'nosuch'], /unknown backend 'nosuch' \(valid: .*ref/],
      [['bench', '--op', 'add', '--shape', '2x-2,2x2'], /--shape: '2x-2' is not a shape/],
      [['bench', '--op', 'matmul', '--shape', '2x3,4x5'], /matmul: .*inner dimensions 3 and 4 differ/],
      [['bench', '--op', 'add', '--shape', '2x2,2x2', '--min-time', 'x'], /--min-time must be a number/],
      [['bench', '--op', 'add', '--shape', '2x2,2x2', '--attrs', '{bad'], /--attrs is not valid JSON/],
    ];
    for (const [args, msg] of cases) {
      const r = zoo([...args, '--json', json]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.err, args.join(' ')).toMatch(msg);
    }
    expect(readFileSync(json, 'utf8')).toBe('corrupt{');
  });

  test('requests that cannot run are refused before anything starts', async () => {
    const cases: [Partial<BenchRequest>, RegExp][] = [
      [{ ops: ['add'] }, /--op needs --shape/],
      [{ models: ['tiny-linear'], modes: ['fly'] }, /unknown mode 'fly' \(valid: train, infer, decode\)/],
      [{ models: ['tiny-linear'], preset: 'huge' }, /no preset 'huge' \(valid: tiny, bench\)/],
      [{ models: ['tiny-linear'], seq: 4 }, /--seq: model tiny-linear has no blockSize\/seqLen field/],
      [{ ops: ['add'], shapes: [[2]], dtype: 'int8' }, /unknown dtype 'int8'/],
      [{}, /nothing to benchmark/],
      [{ suite: 'nosuch' }, /unknown suite 'nosuch' \(valid: gemm\)/],
      [{ suite: 'gemm', backends: ['ref'] }, /--suite gemm benchmarks the native sgemm/],
    ];
    for (const [over, msg] of cases) await expect(runBench(quick(over), REGISTRY)).rejects.toThrow(msg);
  });

  test('Ctrl-C stops after the current sample and writes the finished samples marked partial', async () => {
    const json = join(tmp(), 'partial.json');
    const child = spawn(process.execPath, [BIN, 'bench', '--op', 'add,mul', '--shape', '64x64,64x64', '--backend', 'ref', '--min-time', '60', '--max-time', '60', '--warmup', '0.01', '--no-limits', '--json', json]);
    let err = '';
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    const code = await new Promise<number | null>((resolve) => {
      const poll = setInterval(() => {
        if (/\[1\/2\] add on ref/.test(err)) {
          clearInterval(poll);
          setTimeout(() => child.kill('SIGINT'), 2000);
        }
      }, 50);
      child.on('exit', (c) => resolve(c));
    });
    expect(code, err).toBe(130);
    expect(existsSync(json)).toBe(true);
    const file = readResults<BenchResultsFile>(json, BENCH_SCHEMA, BENCH_VERSION);
    expect(file.partial).toBe(true);
    expect(file.benchmarks).toHaveLength(1);
    expect(file.benchmarks[0]!.status).toBe('partial');
    expect(file.benchmarks[0]!.stoppedBy).toBe('interrupted');
    expect(file.benchmarks[0]!.samplesMs.length).toBeGreaterThan(0);
  });
});

describe('zoo bench --suite gemm and the peak of the threads in use', () => {
  test('the GEMM suite is 1024³ on all threads and on 1 thread plus the four transformer shapes (forward and weight gradient)', () => {
    expect(GEMM_SUITE.map((c) => [...gemmDims(c), c.threads])).toEqual([
      [1024, 1024, 1024, null], [1024, 1024, 1024, 1], [1024, 256, 768, null], [1024, 1024, 256, null], [768, 1024, 256, null], [256, 1024, 1024, null],
    ]);
  });

  const nativeUp = backendStatus('native').available;
  test.skipIf(!nativeUp)('the CPU peak is measured on the native pool\'s threads (what --threads sets), and says how many', () => {
    const native = getBackend('native');
    const before = threadsOf(native)!;
    try {
      setThreads(native, 1);
      const one = cpuPeak(native);
      expect(one.method).toMatch(/, 1 thread \(the native pool\)/);
      setThreads(native, 2);
      const two = cpuPeak(native);
      expect(two.method).toMatch(/, 2 threads \(the native pool\)/);
      expect(one.value! > 0 && two.value! > 0).toBe(true);
    } finally {
      setThreads(native, before);
    }
  }, 30_000);
});
