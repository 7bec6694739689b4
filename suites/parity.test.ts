// Every op with a kernel on an accelerated backend matches the float64 oracle (forward and VJP)
// within the derived tolerance (harness/tolerance.ts); nothing here names an op. A backend that
// cannot load is skipped with a warning, unless ZOO_REQUIRE lists it: then it fails.
// ZOO_PARITY_RUNS (cases per op), ZOO_PARITY_OPS and ZOO_PARITY_BACKENDS (comma lists) narrow a run.
import { afterAll, describe, expect, test } from 'vitest';
import { OPS, OP_NAMES, getBackend, initWebGPU } from '../engine/index.js';
import { acceleratedBackends, checkParity, checkParityAsync, type OpParityResult } from './harness/parity.js';
import { writeParityResults } from './harness/parity-results.js';

const runs = Number(process.env['ZOO_PARITY_RUNS'] ?? 20);
const only = process.env['ZOO_PARITY_OPS']?.split(',').filter(Boolean);
const backends = process.env['ZOO_PARITY_BACKENDS']?.split(',').filter(Boolean);
// WebGPU hands out its adapter asynchronously: start it before listing the backends.
await initWebGPU();

for (const b of acceleratedBackends().filter((x) => !backends || backends.includes(x.name))) {
  describe(`parity: ${b.name} against the float64 oracle`, () => {
    if (!b.available) {
      if (b.required) {
        test(`${b.name} is available (ZOO_REQUIRE lists it)`, () => {
          throw new Error(`backend '${b.name}' is required by ZOO_REQUIRE but unavailable: ${b.reason}`);
        });
      } else {
        console.warn(`parity: skipping backend '${b.name}': ${b.reason}`);
        test.skip(`${b.name} is unavailable: ${b.reason}`, () => {});
      }
      return;
    }
    const backend = getBackend(b.name);
    const ops = OP_NAMES.filter((n) => backend.hasKernel(n) && (!only || only.includes(n)));
    const results: OpParityResult[] = [];
    afterAll(() => {
      if (results.length) writeParityResults(`out/parity-${b.name}-vitest.json`, { backend: b.name, seed: 42, runs, ops }, results, 0);
    });
    test.each(ops)(`%s: ${b.name} matches the float64 oracle`, async (name) => {
      const r = backend.syncRead ? checkParity(OPS[name], b.name, { runs }) : await checkParityAsync(OPS[name], b.name, { runs });
      results.push(r);
      if (!r.passed) {
        throw new Error(`${r.failure!.message}\n  replay: zoo parity --backend ${b.name} --op ${name} --seed ${r.failure!.seed} --path ${r.failure!.path}`);
      }
      expect(r.passed).toBe(true);
    });
  });
}
