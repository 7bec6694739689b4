// zoo train: trains a registered model on its data set (Adam), shows progress, evaluates the
// validation loss, and saves the weights with the metadata `zoo sample` needs to rebuild the model.
// Ctrl-C stops after the current step; the model is still evaluated and saved (exit code 130).
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { backendNames, backendStatus, initWebGPU, type FloatDType } from '../engine/index.js';
import { writeJsonAtomic } from '../reports/io.js';
import { environment } from '../suites/harness/env.js';
import { saveTrained, train, type StepProgress, type TrainRun } from '../suites/harness/trainer.js';
import { MODELS, MODEL_NAMES, type AnyModel } from '../zoo/index.js';
import { UsageError, checkChoices, parseIntOption } from './util.js';

export const TRAIN_SCHEMA = 'zoo.train';
export const TRAIN_VERSION = 1;

interface TrainOpts {
  model: string;
  preset?: string;
  backend?: string;
  dtype: string;
  steps: number;
  seed: number;
  lr?: number;
  evalEvery?: number;
  save?: string;
  json?: string;
}

/** A finite number option, > min (or >= min when inclusive). */
export function parseNumberOption(name: string, min: number, inclusive = false) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || (inclusive ? n < min : n <= min)) {
      throw new InvalidArgumentError(`${name} must be a number ${inclusive ? '>=' : '>'} ${min}, got '${value}'`);
    }
    return n;
  };
}

/** The model and preset named on the command line; bad names exit 2 listing the valid ones. */
export async function resolveModel(model: string, preset: string | undefined, backend: string): Promise<{ def: AnyModel; preset: string }> {
  checkChoices('model', [model], MODEL_NAMES);
  const def = MODELS[model]!;
  const name = preset ?? ('small' in def.presets ? 'small' : 'tiny');
  checkChoices(`preset of ${model}`, [name], Object.keys(def.presets));
  checkChoices('backend', [backend], backendNames());
  if (backend === 'webgpu') await initWebGPU(); // adapters are handed out asynchronously
  const status = backendStatus(backend);
  if (!status.available) throw new UsageError(`backend '${backend}' is unavailable: ${status.reason} (see 'zoo doctor')`);
  return { def, preset: name };
}

const clock = (s: number) => (Number.isFinite(s) ? `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, '0')}` : '?');
const rate = (r: number) => (r >= 1e4 ? `${(r / 1e3).toFixed(1)}k` : r.toFixed(0));

/** The progress bar (TTY, redrawn in place) or plain lines about every 5% (pipes and files). */
function progressPrinter(steps: number): (p: StepProgress) => void {
  const tty = process.stdout.isTTY === true;
  const every = Math.max(1, Math.round(steps / 20));
  let drawn = 0;
  return (p) => {
    if (tty && p.step < steps && performance.now() - drawn < 100) return; // redraw at most 10 times a second
    drawn = performance.now();
    const text = `step ${String(p.step).padStart(String(steps).length)}/${steps}  loss ${p.loss.toFixed(4)}  ${rate(p.rate)} ${p.unit}/s  ETA ${clock(p.etaSeconds)}`;
    if (tty) {
      const width = 24, done = Math.round((width * p.step) / steps);
      process.stdout.write(`\r[${'#'.repeat(done)}${'-'.repeat(width - done)}] ${text}\x1b[K`);
      if (p.step === steps) process.stdout.write('\n');
    } else if (p.step % every === 0 || p.step === steps || p.step === 1) {
      console.log(text);
    }
  };
}

/** Prints the outcome: steps, throughput, final training and validation losses. */
function report(run: TrainRun, def: AnyModel, config: object, steps: number): void {
  if (process.stdout.isTTY && run.stopped) process.stdout.write('\n');
  const tail = run.losses.slice(-Math.min(10, run.losses.length));
  const trainLoss = tail.reduce((a, b) => a + b, 0) / Math.max(1, tail.length);
  const val = run.val.at(-1)!;
  const unit = def.units(config).unit;
  console.log(`${run.stopped ? 'interrupted after' : 'trained'} ${run.stepsDone}/${steps} steps in ${run.seconds.toFixed(1)} s (${rate(run.rate)} ${unit}/s)`);
  console.log(`final training loss ${tail.length ? trainLoss.toFixed(4) : 'n/a'} (mean of the last ${tail.length} steps), validation loss ${val.loss.toFixed(4)}`);
  const entropy = (run.data as { unigramEntropy?: number }).unigramEntropy;
  if (entropy !== undefined) console.log(`unigram entropy of the corpus ${entropy.toFixed(4)} nats/token (validation loss ${(val.loss - entropy >= 0 ? '+' : '') + (val.loss - entropy).toFixed(4)} from it)`);
}

/** The backend when none is named: native when its addon loads (float32 models only), else ref. */
export function defaultCpuBackend(dtype: string): string {
  return dtype === 'float32' && backendStatus('native').available ? 'native' : 'ref';
}

async function runTrain(opts: TrainOpts): Promise<void> {
  opts.backend ??= defaultCpuBackend(opts.dtype);
  const { def, preset } = await resolveModel(opts.model, opts.preset, opts.backend);
  checkChoices('dtype', [opts.dtype], ['float32', 'float64']);
  const dtype = opts.dtype as FloatDType;
  const config = def.presets[preset]!;
  const lr = opts.lr ?? def.trainCheck.lr;
  const evalEvery = opts.evalEvery ?? Math.max(1, Math.floor(opts.steps / 5));
  console.log(`training ${def.name}/${preset} on ${opts.backend} (${dtype}): ${opts.steps} steps, Adam lr ${lr}, seed ${opts.seed}`);
  let stop = false;
  const onSigint = () => {
    if (stop) process.exit(130);
    stop = true;
    process.stdout.write(`\nzoo train: interrupted; stopping after this step${opts.save ? ' and saving' : ''} (Ctrl-C again quits at once)\n`);
  };
  process.on('SIGINT', onSigint);
  let run: TrainRun;
  try {
    run = await train(def, config, {
      steps: opts.steps, lr, seed: opts.seed, backend: opts.backend, dtype, evalEvery, yieldBetweenSteps: true,
      shouldStop: () => stop,
      onStep: progressPrinter(opts.steps),
      onEval: (step, loss) => {
        if (step < opts.steps && !stop) console.log(`${process.stdout.isTTY ? '\n' : ''}step ${step}: validation loss ${loss.toFixed(4)}`);
      },
    });
  } finally {
    process.off('SIGINT', onSigint);
  }
  report(run, def, config, opts.steps);
  if (opts.save) {
    await saveTrained(run.model, opts.save, { model: def.name, preset, config, dtype, seed: opts.seed, steps: run.stepsDone });
    console.log(`saved ${opts.save}`);
  }
  if (opts.json) {
    writeJsonAtomic(opts.json, {
      schema: TRAIN_SCHEMA, version: TRAIN_VERSION, environment: environment(),
      config: { model: def.name, preset, backend: opts.backend, dtype, steps: opts.steps, seed: opts.seed, lr, evalEvery },
      modelConfig: config, flops: def.flops(config), units: def.units(config),
      losses: run.losses, val: run.val,
      summary: { stepsDone: run.stepsDone, stopped: run.stopped, seconds: run.seconds, rate: run.rate, finalValLoss: run.val.at(-1)!.loss, unigramEntropy: (run.data as { unigramEntropy?: number }).unigramEntropy ?? null },
    });
    console.log(`results: ${opts.json}`);
  }
  if (run.stopped) process.exitCode = 130;
}

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description('train a registered model on its data set with Adam; progress, validation loss, optional safetensors file')
    .requiredOption('--model <name>', `model to train (${MODEL_NAMES.join(', ')})`)
    .option('--preset <name>', "configuration preset (default: 'small' when the model has one, else 'tiny')")
    .option('--backend <name>', 'backend to train on (default: native when available, else ref)')
    .option('--dtype <dtype>', 'parameter dtype: float32 or float64', 'float32')
    .option('--steps <n>', 'optimizer steps', parseIntOption('--steps', 1), 300)
    .option('--seed <n>', 'seed of the weights and the data', parseIntOption('--seed', 0), 0)
    .option('--lr <x>', "Adam learning rate (default: the model's trainCheck lr)", parseNumberOption('--lr', 0))
    .option('--eval-every <n>', 'validation every n steps (default: steps / 5)', parseIntOption('--eval-every', 1))
    .option('--save <file>', 'write the trained weights (safetensors, with the config in __metadata__)')
    .option('--json <file>', 'write a results file (losses, validation, throughput)')
    .action(runTrain);
}
