// zoo check: the registry-driven gradient checks, a table, and a versioned results file.
import type { Command } from 'commander';
import { OPS, OP_NAMES, backendNames, type OpName } from '../engine/index.js';
import { writeJsonAtomic } from '../reports/io.js';
import { CHECK_SCHEMA, CHECK_VERSION, type CheckResultsFile, type OpCheckRecord } from '../reports/schema.js';
import { environment } from '../suites/harness/env.js';
import { TOLERANCE, checkOp } from '../suites/harness/gradcheck.js';
import { UsageError, checkChoices, fmtErr, parseIntOption, parseList, table } from './util.js';

interface CheckOpts {
  op?: string[];
  backend: string;
  seed: number;
  runs: number;
  path?: string;
  json?: string;
  quiet?: boolean;
}

export function registerCheck(program: Command): void {
  program
    .command('check')
    .description('gradient-check ops against float64 finite differences (first and second order)')
    .option('--op <names>', 'comma-separated ops to check (default: all)', parseList)
    .option('--backend <name>', 'backend to check', 'ref')
    .option('--seed <n>', 'fast-check seed (printed with any failure to replay it)', parseIntOption('--seed', 0), 42)
    .option('--runs <n>', 'generated cases per op', parseIntOption('--runs', 1), 100)
    .option('--path <path>', 'fast-check replay path printed with a failure (use with --seed and one --op)')
    .option('--json <file>', 'results file to write (default: out/check-<time>.json)')
    .option('--quiet', 'print only failures and the summary')
    .action((opts: CheckOpts) => {
      const ops = (opts.op ?? OP_NAMES) as OpName[];
      checkChoices('op', ops, OP_NAMES);
      checkChoices('backend', [opts.backend], backendNames());
      if (opts.backend !== 'ref') throw new UsageError(`--backend ${opts.backend}: gradient checks run on ref (float64); accelerated backends are checked against it with \`zoo parity --backend ${opts.backend}\``);
      if (opts.path && ops.length !== 1) throw new UsageError('--path replays one case: give exactly one --op');
      const t0 = performance.now();
      const results: OpCheckRecord[] = ops.map((name) => {
        const def = OPS[name];
        const r = checkOp(def, { runs: opts.runs, seed: opts.seed, ...(opts.path ? { path: opts.path } : {}) });
        return { ...r, family: def.family, backend: opts.backend, tolerance: TOLERANCE[def.check.tolerance ?? 'balanced'] };
      });
      const seconds = (performance.now() - t0) / 1000;
      const failed = results.filter((r) => !r.passed);
      const shown = opts.quiet ? failed : results;
      if (shown.length) {
        console.log(table(
          ['op', 'family', 'runs', '1st order', '2nd order', 'budget', 'status'],
          shown.map((r) => [r.op, r.family, String(r.runs), r.differentiable ? fmtErr(r.worstFirstOrder) : 'n/a', r.secondOrderChecked ? fmtErr(r.worstSecondOrder) : '-', fmtErr(r.tolerance), r.passed ? 'ok' : 'FAIL']),
        ));
      }
      for (const r of failed) {
        console.log(`\nFAIL ${r.failure!.message}\n  counterexample: ${r.failure!.counterexample}\n  replay: zoo check --op ${r.op} --seed ${r.failure!.seed} --path ${r.failure!.path}`);
      }
      const file: CheckResultsFile = {
        schema: CHECK_SCHEMA,
        version: CHECK_VERSION,
        kind: 'gradcheck',
        environment: environment(),
        config: { backend: opts.backend, seed: opts.seed, runs: opts.runs, ops },
        results,
        summary: { ops: results.length, passed: results.length - failed.length, failed: failed.length, seconds },
      };
      const out = opts.json ?? `out/check-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
      writeJsonAtomic(out, file);
      console.log(`\n${results.length - failed.length} of ${results.length} ops passed in ${seconds.toFixed(1)} s; results: ${out}`);
      if (failed.length) process.exitCode = 1;
    });
}
