// zoo parity: the registry-driven parity checks of an accelerated backend against the float64
// oracle (suites/harness/parity.ts), a table of worst error/budget per op, and a results file.
import type { Command } from 'commander';
import { OPS, OP_NAMES, backendNames, backendStatus, getBackend, initWebGPU, resetFallbackCounts, type OpName } from '../engine/index.js';
import { backendDetail, writeParityResults } from '../suites/harness/parity-results.js';
import { checkParity, checkParityAsync, type OpParityResult } from '../suites/harness/parity.js';
import { UsageError, checkChoices, fmtErr, parseIntOption, parseList, table } from './util.js';

interface ParityOpts {
  backend: string;
  op?: string[];
  seed: number;
  runs: number;
  path?: string;
  json?: string;
  quiet?: boolean;
}

const ratio = (r: number) => (r === 0 ? '0' : r < 0.01 ? r.toExponential(1) : r.toFixed(2));

export function registerParity(program: Command): void {
  program
    .command('parity')
    .description('check an accelerated backend against the float64 oracle (forward and gradients) for every op it has a kernel for')
    .option('--backend <name>', 'backend to check', 'native')
    .option('--op <names>', 'comma-separated ops (default: every op with a kernel on the backend)', parseList)
    .option('--seed <n>', 'fast-check seed (printed with any failure to replay it)', parseIntOption('--seed', 0), 42)
    .option('--runs <n>', 'generated cases per op', parseIntOption('--runs', 1), 40)
    .option('--path <path>', 'fast-check replay path printed with a failure (use with --seed and one --op)')
    .option('--json <file>', 'results file to write (default: out/parity-<backend>-<time>.json)')
    .option('--quiet', 'print only failures and the summary')
    .action(async (opts: ParityOpts) => {
      checkChoices('backend', [opts.backend], backendNames().filter((n) => n !== 'ref'));
      if (opts.backend === 'webgpu') await initWebGPU(); // adapters are handed out asynchronously
      const status = backendStatus(opts.backend);
      if (!status.available) throw new UsageError(`backend '${opts.backend}' is unavailable: ${status.reason} (see 'zoo doctor')`);
      const backend = getBackend(opts.backend);
      const withKernel = OP_NAMES.filter((n) => backend.hasKernel(n));
      const ops = (opts.op ?? withKernel) as OpName[];
      checkChoices('op', ops, OP_NAMES);
      const missing = ops.filter((n) => !backend.hasKernel(n));
      if (missing.length) throw new UsageError(`${missing.join(', ')}: no ${opts.backend} kernel (they run through their decomposition; see 'zoo list')`);
      if (opts.path && ops.length !== 1) throw new UsageError('--path replays one case: give exactly one --op');
      console.log(`${opts.backend}: ${backendDetail(opts.backend)}`);
      resetFallbackCounts();
      const t0 = performance.now();
      const results: OpParityResult[] = [];
      for (const name of ops) {
        const o = { runs: opts.runs, seed: opts.seed, ...(opts.path ? { path: opts.path } : {}) };
        // Backends without synchronous reads (webgpu) are read back with await.
        results.push(backend.syncRead ? checkParity(OPS[name], opts.backend, o) : await checkParityAsync(OPS[name], opts.backend, o));
      }
      const seconds = (performance.now() - t0) / 1000;
      const failed = results.filter((r) => !r.passed);
      const shown = opts.quiet ? failed : results;
      if (shown.length) {
        console.log(table(
          ['op', 'cases', 'skipped', 'specials', 'fwd err/budget', 'fwd error', 'grad err/budget', 'grad error', 'status'],
          shown.map((r) => [
            r.op, String(r.compared), String(r.skipped), String(r.withSpecials), ratio(r.forward.ratio), fmtErr(r.forward.error),
            r.backward ? ratio(r.backward.ratio) : '-', r.backward ? fmtErr(r.backward.error) : '-', r.passed ? 'ok' : 'FAIL',
          ]),
        ));
      }
      for (const r of failed) {
        console.log(`\nFAIL ${r.failure!.message}\n  counterexample: ${r.failure!.counterexample}\n  replay: zoo parity --backend ${opts.backend} --op ${r.op} --seed ${r.failure!.seed} --path ${r.failure!.path}`);
      }
      const out = opts.json ?? `out/parity-${opts.backend}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
      writeParityResults(out, { backend: opts.backend, seed: opts.seed, runs: opts.runs, ops }, results, seconds);
      console.log(`\n${results.length - failed.length} of ${results.length} ops passed in ${seconds.toFixed(1)} s; results: ${out}`);
      if (failed.length) process.exitCode = 1;
    });
}
