// Training a registered model: Adam on its data source, one tidy scope per step, validation in
// eval mode without gradients; and the files trained models are saved in. Shared by the model
// checks ("loss goes down"), `zoo train` and `zoo sample`.
import { readFileSync } from 'node:fs';
import {
  Adam, Generator, SafetensorsError, backward, loadModule, noGrad, readSafetensorsHeader, saveModule, tidy, type FloatDType, type Module, type Tensor,
} from '../../engine/index.js';
import type { AnyModel, BuildOptions, DataSource } from '../../zoo/model.js';

export interface TrainOptions extends BuildOptions {
  steps: number;
  lr: number;
  /** Seeds the weights and the data (default 0). */
  seed?: number;
  /** Validation every this many steps (0: only at the end; default 0). */
  evalEvery?: number;
  /** Called after every step (progress display). */
  onStep?(p: StepProgress): void;
  /** Called after each validation. */
  onEval?(step: number, valLoss: number): void;
  /** Checked before every step; true stops the run (Ctrl-C). */
  shouldStop?(): boolean;
  /** Yield to the event loop between steps so signals are handled (default false). */
  yieldBetweenSteps?: boolean;
}

export interface StepProgress {
  /** Steps done (1-based). */
  step: number;
  steps: number;
  loss: number;
  /** Tokens or samples per second since the start. */
  rate: number;
  unit: 'tokens' | 'samples';
  elapsedSeconds: number;
  etaSeconds: number;
}

export interface TrainRun {
  model: Module;
  data: DataSource;
  /** Training loss of every step done. */
  losses: number[];
  /** Validation losses (step, mean loss over the validation batches). */
  val: { step: number; loss: number }[];
  stepsDone: number;
  stopped: boolean;
  seconds: number;
  /** Tokens or samples per second over the run. */
  rate: number;
}

const readLoss = async (t: Tensor): Promise<number> => (await t.data())[0]!;

/** Mean loss over `batches` in eval mode, without gradients; restores the previous mode. */
export async function meanLoss(def: AnyModel, model: Module, config: object, batches: readonly Readonly<Record<string, Tensor>>[]): Promise<number> {
  const wasTraining = model.training;
  model.eval();
  try {
    let total = 0;
    for (const batch of batches) {
      const loss = tidy(() => noGrad(() => def.loss(model, batch, config)));
      total += await readLoss(loss);
      loss.dispose();
    }
    return total / batches.length;
  } finally {
    model.train(wasTraining);
  }
}

/** One Adam step on `batch` (disposed afterwards); returns the loss before the update, detached. */
export function trainStep(def: AnyModel, model: Module, config: object, batch: Readonly<Record<string, Tensor>>, opt: Adam): Tensor {
  const loss = tidy(() => {
    const l = def.loss(model, batch, config);
    backward(l);
    opt.step();
    opt.zeroGrad();
    return l.detach();
  });
  for (const t of Object.values(batch)) t.dispose();
  return loss;
}

/** Builds `def` with `config` from the seed and trains it; stops early when shouldStop() says so. */
export async function train(def: AnyModel, config: object, o: TrainOptions): Promise<TrainRun> {
  const seed = o.seed ?? 0;
  const build = { ...(o.dtype ? { dtype: o.dtype } : {}), ...(o.backend ? { backend: o.backend } : {}) };
  const model = def.build(config, new Generator(seed), build) as Module;
  const data = def.data(config, { seed, ...build });
  const opt = new Adam(model.parameters(), { lr: o.lr });
  const { count, unit } = def.units(config);
  const run: TrainRun = { model, data, losses: [], val: [], stepsDone: 0, stopped: false, seconds: 0, rate: 0 };
  const t0 = performance.now();
  const validate = async (step: number) => {
    const batches = data.valBatches();
    const loss = await meanLoss(def, model, config, batches);
    for (const b of batches) for (const t of Object.values(b)) t.dispose();
    run.val.push({ step, loss });
    o.onEval?.(step, loss);
  };
  model.train();
  for (let step = 0; step < o.steps; step++) {
    if (o.shouldStop?.()) {
      run.stopped = true;
      break;
    }
    const loss = trainStep(def, model, config, data.trainBatch(step), opt);
    run.losses.push(await readLoss(loss));
    loss.dispose();
    run.stepsDone = step + 1;
    const elapsed = (performance.now() - t0) / 1000;
    run.rate = (run.stepsDone * count) / elapsed;
    o.onStep?.({ step: step + 1, steps: o.steps, loss: run.losses[step]!, rate: run.rate, unit, elapsedSeconds: elapsed, etaSeconds: (elapsed / (step + 1)) * (o.steps - step - 1) });
    if (o.evalEvery && run.stepsDone % o.evalEvery === 0 && run.stepsDone < o.steps) await validate(run.stepsDone);
    if (o.yieldBetweenSteps) await new Promise((resolve) => setImmediate(resolve));
  }
  await validate(run.stepsDone);
  run.seconds = (performance.now() - t0) / 1000;
  return run;
}

// ---- trained-model files -------------------------------------------------------------------------
// A trained model is a safetensors file of its state dict whose __metadata__ names the model, the
// preset and the full config (JSON), so `zoo sample` can rebuild the module before loading it.

export interface TrainedInfo {
  model: string;
  preset: string;
  config: object;
  dtype: FloatDType;
  seed: number;
  steps: number;
}

const META = { model: 'zoo.model', preset: 'zoo.preset', config: 'zoo.config', dtype: 'zoo.dtype', seed: 'zoo.seed', steps: 'zoo.steps' } as const;

/** Saves `model` (atomically: temp file, fsync, rename) with the metadata that rebuilds it. */
export async function saveTrained(model: Module, file: string, info: TrainedInfo): Promise<void> {
  await saveModule(model, file, {
    [META.model]: info.model, [META.preset]: info.preset, [META.config]: JSON.stringify(info.config),
    [META.dtype]: info.dtype, [META.seed]: String(info.seed), [META.steps]: String(info.steps),
  });
}

/** The metadata of a file written by saveTrained; a SafetensorsError when the file is not one. */
export function readTrainedInfo(file: string): TrainedInfo {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw new SafetensorsError(file, `cannot read the file (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  const meta = readSafetensorsHeader(bytes, file).metadata;
  const missing = Object.values(META).filter((k) => meta[k] === undefined);
  if (missing.length) throw new SafetensorsError(file, `not a zoo model file: __metadata__ lacks ${missing.join(', ')} (files written by 'zoo train --save' have them)`);
  let config: unknown;
  try {
    config = JSON.parse(meta[META.config]!);
  } catch {
    throw new SafetensorsError(file, `__metadata__ ${META.config} is not valid JSON`);
  }
  const dtype = meta[META.dtype];
  if (dtype !== 'float32' && dtype !== 'float64') throw new SafetensorsError(file, `__metadata__ ${META.dtype} is '${dtype}', not float32 or float64`);
  return { model: meta[META.model]!, preset: meta[META.preset]!, config: config as object, dtype, seed: Number(meta[META.seed]), steps: Number(meta[META.steps]) };
}

/** Rebuilds the module described by `info` on `backend` and loads the file's weights into it. */
export function loadTrained(def: AnyModel, file: string, info: TrainedInfo, backend?: string): Module {
  const model = def.build(info.config, new Generator(info.seed), { dtype: info.dtype, ...(backend ? { backend } : {}) }) as Module;
  loadModule(model, file);
  return model.eval();
}
