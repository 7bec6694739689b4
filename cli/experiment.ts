// zoo experiment mhc: trains the plain-residual, HC and mHC arms of a small GPT on the names corpus
// (suites/harness/experiment/ does the work), prints progress and a summary table, writes a
// zoo.experiment results file that `zoo report` renders. Exit code 0 when the run completes even
// if an acceptance check fails (the summary says FAIL); with --check a failed check exits 1.
// Ctrl-C stops after the current step and writes the results so far, marked partial (exit 130).
import type { Command } from 'commander';
import { backendNames, backendStatus, getBackend } from '../engine/index.js';
import { writeJsonAtomic } from '../reports/io.js';
import { formatProgress, formatSummary } from '../suites/harness/experiment/format.js';
import { TIERS, TIER_NAMES, runExperiment } from '../suites/harness/experiment/mhc.js';
import { defaultCpuBackend } from './train.js';
import { UsageError, checkChoices, parseIntOption } from './util.js';

const EXPERIMENTS = ['mhc'];

interface ExperimentOpts {
  tier: string;
  seeds: number;
  steps?: number;
  logEvery?: number;
  out: string;
  backend?: string;
  quiet?: boolean;
  check?: boolean;
}

/** The backend named (default native when available, else ref); it must read synchronously (the gain diagnostics do). */
function resolveBackend(name: string | undefined): string {
  const backend = name ?? defaultCpuBackend('float32');
  checkChoices('backend', [backend], backendNames());
  const status = backendStatus(backend);
  if (!status.available) throw new UsageError(`backend '${backend}' is unavailable: ${status.reason} (see 'zoo doctor')`);
  if (!getBackend(backend).syncRead) throw new UsageError(`backend '${backend}' cannot run zoo experiment: the gain diagnostics read tensors synchronously (use native or ref)`);
  return backend;
}

async function runCommand(name: string, o: ExperimentOpts): Promise<void> {
  checkChoices('experiment', [name], EXPERIMENTS);
  checkChoices('tier', [o.tier], TIER_NAMES);
  const backend = resolveBackend(o.backend);
  const tier = TIERS[o.tier]!;
  const steps = o.steps ?? tier.steps;
  console.log(`experiment mhc, tier ${o.tier} (${tier.doc}): arms plain, hc, mhc × ${o.seeds} seed${o.seeds === 1 ? '' : 's'}, ${steps} steps each, on ${backend}`);
  let stop = false;
  const onSigint = () => {
    if (stop) process.exit(130);
    stop = true;
    process.stdout.write('\nzoo experiment: interrupted; stopping after this step and writing the results so far (Ctrl-C again quits at once)\n');
  };
  process.on('SIGINT', onSigint);
  let file;
  try {
    file = await runExperiment({
      tier: o.tier, seeds: o.seeds, steps, backend, ...(o.logEvery !== undefined ? { logEvery: o.logEvery } : {}),
      shouldStop: () => stop,
      onPoint: (p) => {
        if (!o.quiet) console.log(formatProgress(p));
      },
      onRunDone: (r) => console.log(`done: ${r.arm} seed ${r.seed}: ${r.stepsDone} steps in ${r.seconds.toFixed(1)} s, final val loss ${r.finalValLoss?.toFixed(4) ?? 'n/a'}${r.divergedAt !== null ? ` (diverged at step ${r.divergedAt})` : ''}`),
    });
  } finally {
    process.off('SIGINT', onSigint);
  }
  writeJsonAtomic(o.out, file);
  console.log(`\n${formatSummary(file)}\n\nresults: ${o.out} (render with: zoo report ${o.out})`);
  if (file.partial) process.exitCode = 130;
  else if (o.check && !file.summary.allPassed) process.exitCode = 1;
}

export function registerExperiment(program: Command): void {
  program
    .command('experiment')
    .description('train the plain-residual, HC and mHC arms of a small GPT on the names corpus and check the mHC claims')
    .argument('<name>', `experiment to run (${EXPERIMENTS.join(', ')})`)
    .option('--tier <tier>', `model size and default steps: ${TIER_NAMES.map((t) => `${t} (${TIERS[t]!.doc}, ${TIERS[t]!.steps} steps)`).join('; ')}`, 's')
    .option('--seeds <n>', 'seeds 0 .. n-1, each trains all three arms', parseIntOption('--seeds', 1), 3)
    .option('--steps <n>', "optimizer steps per run (default: the tier's)", parseIntOption('--steps', 1))
    .option('--log-every <n>', "log losses, gradient norm and gains every n steps (default: the tier's, 25 for s and m)", parseIntOption('--log-every', 1))
    .option('--out <file>', 'results file to write', 'out/experiment-mhc.json')
    .option('--backend <name>', 'backend to train on: native or ref (default: native when available, else ref)')
    .option('--quiet', 'print only one line per finished run and the summary')
    .option('--check', 'exit 1 when an acceptance check fails (default: exit 0 once the run completes; the summary says FAIL)')
    .action(runCommand);
}
