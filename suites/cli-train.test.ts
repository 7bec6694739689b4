// `zoo train` and `zoo sample` as a user runs them (from dist/, built by `npm test` before vitest).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadTrained, readTrainedInfo } from './harness/trainer.js';
import { MODELS, MODEL_NAMES } from '../zoo/index.js';

const BIN = join(import.meta.dirname, '..', 'dist', 'cli', 'zoo.js');
const dir = mkdtempSync(join(tmpdir(), 'zoo-train-'));

function zoo(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('zoo train and zoo sample', () => {
  const weights = join(dir, 'gpt-tiny.safetensors');
  const results = join(dir, 'gpt-tiny.json');

  test('train runs a tiny model, prints plain progress lines off a terminal, and saves weights and results', () => {
    const r = zoo(['train', '--model', 'gpt', '--preset', 'tiny', '--steps', '4', '--seed', '3', '--save', weights, '--json', results]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).not.toContain('\r');
    expect(r.out).toMatch(/^step 1\/4 {2}loss \d+\.\d{4} {2}\d+ tokens\/s {2}ETA \d+:\d\d$/m);
    expect(r.out).toMatch(/^trained 4\/4 steps in /m);
    expect(r.out).toMatch(/validation loss \d+\.\d{4}/);
    expect(r.out).toMatch(/unigram entropy of the corpus 3\.\d{4} nats\/token/);
    const info = readTrainedInfo(weights);
    expect(info).toMatchObject({ model: 'gpt', preset: 'tiny', config: MODELS['gpt']!.presets['tiny'], dtype: 'float32', seed: 3, steps: 4 });
    const res = JSON.parse(readFileSync(results, 'utf8'));
    expect(res).toMatchObject({ schema: 'zoo.train', version: 1, config: { model: 'gpt', preset: 'tiny', steps: 4, seed: 3 } });
    expect(res.losses).toHaveLength(4);
    expect(res.val.at(-1).step).toBe(4);
    expect(res.summary.finalValLoss).toBe(res.val.at(-1).loss);
  });

  test('the saved file rebuilds the trained model', () => {
    const info = readTrainedInfo(weights);
    const model = loadTrained(MODELS[info.model]!, weights, info);
    expect(model.numParameters()).toBeGreaterThan(0);
  });

  test('sample generates from the saved model, the same text for the same seed', () => {
    const args = ['sample', '--model', 'gpt', '--load', weights, '--prompt', 'Al', '--tokens', '12', '--temperature', '0.8', '--top-k', '20', '--seed', '5'];
    const a = zoo(args), b = zoo(args);
    expect(a.code, a.err).toBe(0);
    expect(a.out.startsWith('Al')).toBe(true);
    expect(a.out).toBe(b.out);
    const greedy = zoo(['sample', '--load', weights, '--tokens', '5', '--temperature', '0']);
    expect(greedy.code, greedy.err).toBe(0);
  });

  test('bad arguments exit 2 with one line naming the problem and the valid choices', () => {
    const cases: [string[], RegExp][] = [
      [['train', '--model', 'nosuch'], new RegExp(`unknown model 'nosuch' \\(valid: ${MODEL_NAMES.join(', ')}\\)`)],
      [['train', '--model', 'mlp', '--preset', 'nosuch'], /unknown preset of mlp 'nosuch' \(valid: tiny, /],
      [['train', '--model', 'mlp', '--backend', 'nosuch'], /unknown backend 'nosuch' \(valid: ref/],
      [['train'], /required option '--model <name>'/],
      [['train', '--model', 'mlp', '--steps', '0'], /--steps must be an integer >= 1/],
      [['train', '--model', 'mlp', '--lr', '-1'], /--lr must be a number > 0/],
      [['sample', '--model', 'nosuch', '--load', weights], /unknown model 'nosuch' \(valid: /],
      [['sample', '--model', 'mlp', '--load', weights], /holds a 'gpt' model/],
      [['sample', '--load', join(dir, 'missing.safetensors')], /cannot read the file \(ENOENT\)/],
      [['sample', '--load', weights, '--top-k', '100000'], /topK 100000 must be an integer in \[1, 256\]/],
    ];
    for (const [args, message] of cases) {
      const r = zoo(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.err, args.join(' ')).toMatch(/^zoo: /);
      expect(r.err, args.join(' ')).toMatch(message);
    }
  });

  test('Ctrl-C during training stops after the current step and still saves a loadable file', async () => {
    const file = join(dir, 'interrupted.safetensors');
    const child = spawn(process.execPath, [BIN, 'train', '--model', 'mlp', '--preset', 'tiny', '--steps', '1000000', '--save', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      const started = /step +1\//;
      if (!started.test(out) && started.test(out + s)) setTimeout(() => child.kill('SIGINT'), 200);
      out += s;
    });
    const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    clearTimeout(guard);
    expect(code, out).toBe(130);
    expect(out).toMatch(/interrupted; stopping after this step and saving/);
    expect(out).toMatch(/^interrupted after \d+\/1000000 steps/m);
    expect(out).toMatch(/validation loss \d+\.\d{4}/);
    expect(existsSync(file)).toBe(true);
    const info = readTrainedInfo(file);
    expect(info.steps).toBeGreaterThan(0);
    expect(info.steps).toBeLessThan(1000000);
    loadTrained(MODELS['mlp']!, file, info);
  });

  test('list shows every registered model with its family, presets and data', () => {
    const r = zoo(['list', '--json']);
    expect(r.code).toBe(0);
    const models = (JSON.parse(r.out) as { models: { name: string; family: string; presets: string[]; data: string }[] }).models;
    expect(models.map((m) => m.name)).toEqual(MODEL_NAMES);
    for (const m of models) {
      expect(m.presets).toEqual(Object.keys(MODELS[m.name]!.presets));
      expect(m.data.length).toBeGreaterThan(0);
    }
    expect(zoo(['list']).out).toMatch(/^models \(\d+\):$/m);
  });

  test('--help works on train and sample', () => {
    for (const cmd of ['train', 'sample']) {
      const r = zoo([cmd, '--help']);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(new RegExp(`Usage: zoo ${cmd}`));
    }
  });
});
