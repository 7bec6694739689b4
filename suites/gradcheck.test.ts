// Every registered op passes the gradient checks; nothing here names an op.
import { describe, expect, test } from 'vitest';
import { OPS, OP_NAMES } from '../engine/index.js';
import { checkOp } from './harness/gradcheck.js';

const runs = Number(process.env['ZOO_CHECK_RUNS'] ?? 100);

describe('gradient checks (ref, float64 finite differences)', () => {
  test.each(OP_NAMES)('%s: VJP matches finite differences', (name) => {
    const def = OPS[name];
    expect(def.check, `${name} has no check metadata`).toBeDefined();
    const r = checkOp(def, { runs });
    if (!r.passed) {
      throw new Error(`${r.failure!.message}\n  replay: zoo check --op ${name} --seed ${r.failure!.seed} --path ${r.failure!.path}`);
    }
    expect(r.passed).toBe(true);
  });
});
