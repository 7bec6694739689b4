// zoo compare on synthetic results files: samples drawn from known distributions, so each verdict
// is decided by construction (no benchmark runs here).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { BENCH_SCHEMA, BENCH_VERSION, type BenchRecord, type BenchResultsFile } from '../reports/schema.js';
import { classify, compareFiles, counts, formatMarkdown } from './harness/bench/compare.js';
import { emptyRecord } from './harness/bench/record.js';
import { summarize } from './harness/bench/stats.js';
import { PhiloxSource } from './harness/values.js';
import { environment } from './harness/env.js';

const BIN = join(import.meta.dirname, '..', 'dist', 'cli', 'zoo.js');
const dir = mkdtempSync(join(tmpdir(), 'zoo-compare-'));

function zoo(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** n latencies ~ N(mean, (rel · mean)²) from a seeded Philox stream. */
function draws(mean: number, rel: number, n: number, seed: number): number[] {
  const src = new PhiloxSource(seed);
  return Array.from({ length: n }, () => mean * (1 + rel * src.normal()));
}

function record(name: string, samplesMs: number[], extra: Partial<BenchRecord> = {}): BenchRecord {
  const base = { key: `op:${name}|8x8|{}|float32|ref`, kind: 'op' as const, name, backend: 'ref', mode: 'op' as const, shapes: [[8, 8]], dtype: 'float32', threads: 1 };
  const r = emptyRecord(base, 'skipped', '', { status: 'oracle', error: null, tolerance: 1e-3, compared: '' }, { method: 'wall clock', timestamps: null });
  return { ...r, status: 'ok', samplesMs, summary: samplesMs.length ? summarize(samplesMs) : null, ...extra };
}

function file(records: BenchRecord[]): BenchResultsFile {
  return {
    schema: BENCH_SCHEMA, version: BENCH_VERSION, kind: 'bench', partial: false, environment: environment(), backends: [],
    config: { models: [], ops: [], backends: ['ref'], modes: [], preset: 'bench', batch: null, seq: null, shapes: null, attrs: null, dtype: 'float32', threads: null, minTimeS: 1, maxTimeS: 1, warmupS: 1, targetSpread: 0.05, repeatAA: false, seed: 0 },
    limits: { cpu: { peakFlops: { value: null, method: '', runs: [] }, bandwidth: { value: null, method: '', runs: [] }, caches: { l2Bytes: null, l3Bytes: null } }, devices: {} },
    benchmarks: records, summary: { benchmarks: records.length, ok: records.length, failed: 0, skipped: 0, seconds: 1 },
  };
}

function save(name: string, value: unknown): string {
  const p = join(dir, name);
  writeFileSync(p, typeof value === 'string' ? value : JSON.stringify(value));
  return p;
}

const baseSamples = draws(10, 0.02, 60, 1);
const base = file([record('add', baseSamples), record('mul', draws(4, 0.02, 60, 2))]);
const scaled = (k: number, seedShift = 0) => file([record('add', baseSamples.map((x) => x * k)), record('mul', draws(4 * k, 0.02, 60, 2 + seedShift))]);

describe('zoo compare', () => {
  test('a file against itself: everything unchanged, exit 0', () => {
    const p = save('base.json', base);
    expect(compareFiles(base, base).map((c) => c.verdict)).toEqual(['unchanged', 'unchanged']);
    const r = zoo(['compare', p, p]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/0 faster, 0 slower, 2 unchanged, 0 insufficient data/);
  });

  test('samples scaled ×1.5: slower, exit 1; ×0.5: faster, exit 0', () => {
    const p = save('base.json', base);
    const slow = save('slow.json', scaled(1.5));
    expect(compareFiles(base, scaled(1.5)).map((c) => c.verdict)).toEqual(['slower', 'slower']);
    expect(compareFiles(base, scaled(1.5))[0]!.change).toBeCloseTo(0.5, 12);
    const r = zoo(['compare', p, slow]);
    expect(r.code, r.err).toBe(1);
    expect(r.out).toMatch(/\+50\.0%/);
    const fast = save('fast.json', scaled(0.5));
    const f = zoo(['compare', p, fast]);
    expect(f.code).toBe(0);
    expect(f.out).toMatch(/2 faster/);
  });

  test('the same distribution drawn again: intervals overlap, unchanged', () => {
    const again = file([record('add', draws(10, 0.02, 60, 99)), record('mul', draws(4, 0.02, 60, 98))]);
    const cs = compareFiles(base, again);
    expect(cs.map((c) => c.verdict)).toEqual(['unchanged', 'unchanged']);
    expect(cs[0]!.reason).toBe('intervals overlap');
  });

  test('a separated change below the threshold is unchanged; the threshold option and A/A noise move the line', () => {
    // Tight samples (0.1% noise): a 2% shift separates the intervals but stays under 5%.
    const a = record('add', draws(10, 0.001, 60, 5)), b = record('add', draws(10.2, 0.001, 60, 6));
    expect(classify(a, b)).toMatchObject({ verdict: 'unchanged', reason: 'below threshold', thresholdSource: 'default' });
    expect(classify(a, b, 0.01)).toMatchObject({ verdict: 'slower', thresholdSource: 'option' });
    // A 20% slowdown counts by default but not on a machine whose A/A runs differ by 30%.
    const c = record('add', draws(12, 0.001, 60, 7));
    expect(classify(a, c).verdict).toBe('slower');
    const noisy = { ...a, aa: { samplesMs: [], summary: a.summary!, difference: -0.3 } };
    expect(classify(noisy, c)).toMatchObject({ verdict: 'unchanged', threshold: 0.3, thresholdSource: 'A/A noise' });
  });

  test('missing, failed or thin benchmarks are insufficient data', () => {
    const thin = record('add', [10, 11]);
    expect(classify(base.benchmarks[0]!, thin)).toMatchObject({ verdict: 'insufficient data', reason: 'new: 2 samples' });
    expect(classify(base.benchmarks[0]!, null).verdict).toBe('insufficient data');
    const failed = { ...record('add', []), status: 'failed' as const };
    expect(classify(failed, base.benchmarks[0]!).reason).toBe('base: failed');
    const cs = compareFiles(base, file([record('add', baseSamples), record('sub', baseSamples)]));
    expect(counts(cs)).toEqual({ faster: 0, slower: 0, unchanged: 1, 'insufficient data': 2 });
  });

  test('markdown output for pull requests', () => {
    const md = formatMarkdown(compareFiles(base, scaled(1.5)), 'base.json', 'new.json');
    expect(md).toMatch(/^### Benchmark comparison: `base.json` → `new.json`/);
    expect(md).toMatch(/\*\*2 benchmarks slower\*\*/);
    expect(md).toMatch(/\| benchmark \| base median \[95% CI\] \|/);
    const r = zoo(['compare', save('b.json', base), save('n.json', scaled(1.5)), '--format', 'md']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/\| \*\*slower\*\* \|/);
  });

  test('bad input exits 2 with one line', () => {
    const good = save('good.json', base);
    const cases: [string, RegExp][] = [
      [save('nojson.json', 'not json'), /not valid JSON/],
      [save('schema.json', { ...base, schema: 'zoo.check' }), /schema is "zoo.check", expected "zoo.bench"/],
      [save('version.json', { ...base, version: 2 }), /zoo.bench version 2 is not supported/],
      [join(dir, 'missing.json'), /cannot read/],
    ];
    for (const [p, msg] of cases) {
      const r = zoo(['compare', good, p]);
      expect(r.code, p).toBe(2);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).toMatch(msg);
    }
    expect(zoo(['compare', good, good, '--threshold', 'abc']).code).toBe(2);
    expect(zoo(['compare', good, good, '--format', 'html']).err).toMatch(/unknown format 'html' \(valid: text, md\)/);
  });
});
