// The `zoo` command as a user runs it (from dist/, built by `npm test` before vitest).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { OP_NAMES } from '../engine/index.js';

const BIN = join(import.meta.dirname, '..', 'dist', 'cli', 'zoo.js');

function zoo(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('zoo CLI', () => {
  test('is built', () => {
    expect(existsSync(BIN), `${BIN} is missing: run npm run build`).toBe(true);
  });

  test('list names every registered op', () => {
    const r = zoo(['list', '--json']);
    expect(r.code).toBe(0);
    const names = (JSON.parse(r.out) as { ops: { name: string }[] }).ops.map((o) => o.name);
    expect(names).toEqual(OP_NAMES);
  });

  test('check writes a versioned results file and exits 0 when every op passes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zoo-cli-'));
    const file = join(dir, 'check.json');
    const r = zoo(['check', '--runs', '3', '--json', file, '--quiet']);
    expect(r.code, r.out + r.err).toBe(0);
    const res = JSON.parse(readFileSync(file, 'utf8'));
    expect(res.schema).toBe('zoo.check');
    expect(res.version).toBe(1);
    expect(res.results.map((x: { op: string }) => x.op)).toEqual(OP_NAMES);
    expect(res.summary.failed).toBe(0);
    expect(res.environment.node).toBe(process.version);
  });

  test('usage errors exit 2 with one line and no stack trace', () => {
    for (const args of [['check', '--op', 'nosuch'], ['check', '--bogus'], ['check', '--runs', 'x'], ['nosuchcommand'], ['check', '--backend', 'nosuch']]) {
      const r = zoo(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).toMatch(/^zoo: /);
      expect(r.err).not.toMatch(/\n\s+at /);
    }
    expect(zoo(['check', '--op', 'nosuch']).err).toMatch(/unknown op 'nosuch'/);
  });

  test('--help works on every command', () => {
    for (const cmd of [[], ['list'], ['check'], ['doctor']]) {
      const r = zoo([...cmd, '--help']);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/Usage: zoo/);
    }
  });

  test('doctor reports backends and fails when a required backend is missing', () => {
    const ok = zoo(['doctor']);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/ref\s+yes/);
    const bad = zoo(['doctor'], { ZOO_REQUIRE: 'nosuch' });
    expect(bad.code).toBe(1);
  });

  test('an existing results file is replaced only by a complete one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zoo-cli-'));
    const file = join(dir, 'check.json');
    writeFileSync(file, 'previous');
    const r = zoo(['check', '--op', 'add', '--runs', '2', '--json', file]);
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8')).results).toHaveLength(1);
  });
});
