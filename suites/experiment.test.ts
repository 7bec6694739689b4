// `zoo experiment mhc` end to end on the seconds-long test tier (from dist/, built by `npm test`
// before vitest), its results file and report, bad arguments, and the acceptance checks computed
// from hand-made results where each claim fails.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { Generator } from '../engine/index.js';
import { loadResultsFile } from '../reports/render/inputs.js';
import { renderReport } from '../reports/render/index.js';
import type { ExperimentArm, ExperimentResultsFile, ExperimentRun, HcGainRecord } from '../reports/schema.js';
import { evaluateClaims, seedStats, summarizeArms } from './harness/experiment/claims.js';
import { ARMS, TIERS, armConfig } from './harness/experiment/mhc.js';
import { copySharedWeights, decayGroups } from './harness/experiment/train-arm.js';
import gpt from '../zoo/gpt/index.js';

const BIN = join(import.meta.dirname, '..', 'dist', 'cli', 'zoo.js');
const dir = mkdtempSync(join(tmpdir(), 'zoo-experiment-'));

function zoo(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('zoo experiment mhc (CLI)', () => {
  const out = join(dir, 'exp.json');

  test('a tiny run trains all three arms, exits 0 and writes a results file that validates', () => {
    const r = zoo(['experiment', 'mhc', '--tier', 'xs', '--steps', '10', '--seeds', '1', '--out', out]);
    expect(r.code, r.err).toBe(0);
    for (const arm of ARMS) expect(r.out).toMatch(new RegExp(`^done: ${arm} seed 0: 10 steps in `, 'm'));
    expect(r.out).toMatch(/^mhc +seed 0 +step +5\/10 +train \d+\.\d{4} +val \d+\.\d{4}/m);
    expect(r.out.match(/^(PASS|FAIL) {2}/gm)).toHaveLength(3);
    const loaded = loadResultsFile(out);
    expect(loaded.kind).toBe('experiment');
    const f = loaded.file as ExperimentResultsFile;
    expect(f).toMatchObject({ schema: 'zoo.experiment', version: 1, partial: false, config: { tier: 'xs', steps: 10, seeds: [0], arms: ['plain', 'hc', 'mhc'] } });
    expect(f.runs.map((run) => run.arm)).toEqual(['plain', 'hc', 'mhc']);
    for (const run of f.runs) {
      expect(run.points.map((p) => p.step)).toEqual([0, 5, 10]);
      expect(run.trainLoss).toHaveLength(10);
      expect(run.finalValLoss).toBe(run.points.at(-1)!.valLoss);
      expect(run.points.at(-1)!.diagnostics.sublayers).toBe(2 * TIERS['xs']!.nLayer);
    }
    // The plain residual's gains are exactly 1; every arm starts from the same shared weights and data.
    expect(f.runs[0]!.points.every((p) => p.diagnostics.composite.fwd.every((g) => g === 1))).toBe(true);
    const initial = f.runs.map((run) => run.points[0]!.valLoss!);
    for (const v of initial) expect(Math.abs(v - initial[0]!)).toBeLessThan(1e-3);
    expect(f.summary.claims.map((c) => c.id)).toEqual(['mhc-forward-gain', 'hc-peak-above-mhc', 'mhc-val-loss']);
  });

  test('zoo report renders the loss, gradient-norm and gain charts of all three arms', () => {
    const html = renderReport([out], { format: 'html', generated: '2026-01-01T00:00:00.000Z' });
    expect(html).toContain('<section id="experiment">');
    const data = JSON.parse(/<script type="application\/json" id="zoo-data">([^]*?)<\/script>/.exec(html)![1]!) as { charts: { id: string; config: { data: { datasets: { label: string }[] } } }[] };
    const ids = data.charts.map((c) => c.id);
    for (const kind of ['train-loss', 'val-loss', 'grad-norm', 'gain-fwd', 'gain-bwd', 'peak-gain']) {
      const chart = data.charts.find((c) => c.id === `chart-experiment-0-${kind}`);
      expect(chart, `${kind} in ${ids.join(', ')}`).toBeDefined();
      const labels = chart!.config.data.datasets.map((d) => d.label).join(' | ');
      for (const arm of ['plain residual', 'HC', 'mHC']) expect(labels).toContain(arm);
      expect(html).toContain(`<canvas id="chart-experiment-0-${kind}"`);
    }
    const md = renderReport([out], { format: 'md' });
    expect(md).toMatch(/\| mHC composite forward gain within 0\.0001 of 1 at every sublayer \| (pass|FAIL) \|/);
    const cli = zoo(['report', out, '-o', join(dir, 'exp.html')]);
    expect(cli.code, cli.err).toBe(0);
  });

  test('markup in the results file renders as text', () => {
    const f = JSON.parse(readFileSync(out, 'utf8')) as ExperimentResultsFile;
    const payload = '<img src=x onerror=alert(1)>';
    f.config.init = payload;
    f.summary.claims[0]!.detail = payload;
    f.backend.detail = payload;
    const evil = join(dir, 'evil.json');
    writeFileSync(evil, JSON.stringify(f));
    for (const format of ['html', 'md'] as const) {
      const text = renderReport([evil], { format });
      expect(text).not.toContain(payload);
      expect(text).toContain('&lt;img src=x onerror=alert(1)&gt;');
    }
  });

  test('--check exits 1 exactly when an acceptance check fails', () => {
    const file = join(dir, 'check.json');
    const r = zoo(['experiment', 'mhc', '--tier', 'xs', '--steps', '3', '--seeds', '1', '--quiet', '--check', '--out', file]);
    const f = JSON.parse(readFileSync(file, 'utf8')) as ExperimentResultsFile;
    expect(r.code, r.err).toBe(f.summary.allPassed ? 0 : 1);
    expect(r.out).not.toMatch(/ step /);
  });

  test('bad arguments exit 2 with one line', () => {
    const cases: [string[], RegExp][] = [
      [['experiment', 'mhc', '--tier', 'x'], /unknown tier 'x' \(valid: s, m, xs\)/],
      [['experiment', 'mhc', '--seeds', '0'], /--seeds must be an integer >= 1, got '0'/],
      [['experiment', 'mhc', '--steps', 'many'], /--steps must be an integer >= 1/],
      [['experiment', 'nosuch'], /unknown experiment 'nosuch' \(valid: mhc\)/],
      [['experiment', 'mhc', '--backend', 'nosuch'], /unknown backend 'nosuch'/],
    ];
    for (const [args, message] of cases) {
      const r = zoo([...args, '--out', join(dir, 'never.json')]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.err, args.join(' ')).toMatch(/^zoo: /);
      expect(r.err, args.join(' ')).toMatch(message);
    }
  });
});

describe('the arms share data, init and optimizer settings', () => {
  test('copySharedWeights makes every parameter the mHC model shares with the plain one equal', () => {
    const tier = TIERS['xs']!;
    const plain = gpt.build(armConfig(tier, 'plain'), new Generator(1), { backend: 'ref' });
    const mhc = gpt.build(armConfig(tier, 'mhc'), new Generator(2), { backend: 'ref' });
    const copied = copySharedWeights(plain, mhc);
    const own = new Map(mhc.namedParameters());
    expect(copied).toContain('wte.weight');
    expect(copied.length).toBe([...plain.namedParameters()].filter(([n]) => own.has(n)).length);
    for (const [name, p] of plain.namedParameters()) {
      if (copied.includes(name)) expect([...own.get(name)!.dataSync()]).toEqual([...p.dataSync()]);
    }
  });

  test('weight decay goes to matrices only, never to the static hyper-connection parts', () => {
    const model = gpt.build(armConfig(TIERS['xs']!, 'mhc'), new Generator(0), { backend: 'ref' });
    const { decayed, groups } = decayGroups(model, 0.1);
    const rank = new Map([...model.namedParameters()].map(([n, p]) => [n, p.rank]));
    expect(decayed.length).toBeGreaterThan(0);
    for (const n of decayed) expect(rank.get(n), n).toBeGreaterThanOrEqual(2);
    for (const [n, r] of rank) if (r < 2) expect(decayed, n).not.toContain(n);
    expect(decayed.some((n) => /phi/.test(n))).toBe(true);
    expect(decayed.some((n) => /bias|alpha|b_res/.test(n))).toBe(false);
    expect(groups.map((g) => g.weightDecay)).toEqual([0.1, 0]);
  });
});

// -- the acceptance checks on hand-made results --------------------------------------------------

const L = 4;
function diag(arm: ExperimentArm, fwd: number[], bwd = fwd): HcGainRecord {
  return {
    residual: arm, streams: arm === 'plain' ? 1 : 4, sublayers: L, kinds: ['attn', 'mlp', 'attn', 'mlp'],
    single: { fwd, bwd }, composite: { fwd, bwd, fwdOfMean: fwd, bwdOfMean: bwd, infNorm: fwd, oneNorm: bwd, minColSum: bwd },
    peak: { fwd: Math.max(...fwd), bwd: Math.max(...bwd) }, streamDivergence: fwd.map(() => 0),
  };
}
function run(arm: ExperimentArm, seed: number, finalValLoss: number | null, gains: number[][] = [[1, 1, 1, 1], [1, 1, 1, 1]]): ExperimentRun {
  return {
    arm, seed, parameters: 100, stepsDone: 10, divergedAt: null, seconds: 1, tokensPerSecond: 1000, trainLoss: [], gradNorm: [],
    points: gains.map((g, i) => ({ step: 5 * i, trainLoss: null, valLoss: finalValLoss, gradNorm: null, gradNormMax: null, lr: null, tokensPerSecond: null, diagnostics: diag(arm, g) })),
    finalValLoss,
  };
}
const ONE = [1, 1, 1, 1];
/** Two seeds where every claim holds: mHC at 1 ± 1e-7, HC growing to 3, mHC 0.01 nats worse than plain. */
function passing(): ExperimentRun[] {
  return [0, 1].flatMap((s) => [
    run('plain', s, 2.0 + s * 0.1),
    run('hc', s, 2.05, [ONE, [1.5, 3, 2, 1]]),
    run('mhc', s, 2.01 + s * 0.1, [ONE, [1 + 1e-7, 1, 1 - 1e-7, 1]]),
  ]);
}
const claims = (runs: ExperimentRun[]) => Object.fromEntries(evaluateClaims(summarizeArms(runs, ARMS), runs).map((c) => [c.id, c]));

describe('acceptance checks', () => {
  test('seedStats: mean, sample standard deviation, min and max', () => {
    expect(seedStats([1, 2, 3])).toEqual({ mean: 2, std: 1, min: 1, max: 3, perSeed: [1, 2, 3] });
    expect(seedStats([null])).toMatchObject({ mean: null, std: null });
  });

  test('all three pass on results that satisfy them', () => {
    const c = claims(passing());
    expect(Object.values(c).map((x) => x.passed)).toEqual([true, true, true]);
    expect(c['mhc-val-loss']!.observed).toBeCloseTo(2.06, 12);
    expect(c['mhc-val-loss']!.bound).toBeCloseTo(2.05 + 0.02, 12);
    expect(c['hc-peak-above-mhc']!.observed).toBe(3);
  });

  test('the forward-gain check fails when one mHC sublayer of one point is 2e-4 off 1', () => {
    const runs = passing();
    runs[5]!.points[1]!.diagnostics = diag('mhc', [1, 1, 1 + 2e-4, 1]);
    const c = claims(runs);
    expect(c['mhc-forward-gain']!.passed).toBe(false);
    expect(c['mhc-forward-gain']!.observed).toBeCloseTo(2e-4, 10);
    expect(c['hc-peak-above-mhc']!.passed && c['mhc-val-loss']!.passed).toBe(true);
  });

  test("the peak check fails when HC's peak does not exceed mHC's", () => {
    const runs = passing().map((r) => (r.arm === 'hc' ? run('hc', r.seed, 2.05, [ONE, [0.9, 0.8, 0.95, 0.7]]) : r));
    const c = claims(runs);
    expect(c['hc-peak-above-mhc']!.passed).toBe(false);
    expect(c['hc-peak-above-mhc']!.detail).toMatch(/HC peak 1\.0000 ≤ mHC peak 1\.0000/);
  });

  test('the loss check fails when mHC is 0.03 nats worse than plain, and passes at 0.015', () => {
    const worse = (d: number) => passing().map((r) => (r.arm === 'mhc' ? run('mhc', r.seed, 2.0 + r.seed * 0.1 + d) : r));
    expect(claims(worse(0.03))['mhc-val-loss']!.passed).toBe(false);
    expect(claims(worse(0.03))['mhc-val-loss']!.detail).toMatch(/Δ \+0\.0300 > 0\.02/);
    expect(claims(worse(0.015))['mhc-val-loss']!.passed).toBe(true);
  });

  test('missing or diverged runs fail the checks that need them', () => {
    const noMhc = claims(passing().filter((r) => r.arm !== 'mhc'));
    expect(Object.values(noMhc).map((x) => x.passed)).toEqual([false, false, false]);
    const diverged = passing();
    diverged[5] = { ...run('mhc', 1, null), divergedAt: 7 };
    const c = claims(diverged);
    expect(c['mhc-val-loss']!.passed).toBe(false);
    expect(c['mhc-forward-gain']!.passed).toBe(false);
  });
});
