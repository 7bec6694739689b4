// One arm of `zoo experiment mhc` for one seed: AdamW with decoupled weight decay on matrices only,
// linear warmup then cosine to 10%, global gradient clipping, and a logged point every `logEvery`
// steps (train loss, val loss, gradient norm, tokens/s, hcDiagnostics on one fixed sequence).
// Spec: /work/shared/specs/mhc-hc-attention.md §5 (optimizer, what to log).
import {
  AdamW, Generator, LinearWarmupCosine, Module, backward, clipGradNorm, fromArray, noGrad, tidy, type Tensor,
} from '../../../engine/index.js';
import type { ExperimentArm, ExperimentPoint, ExperimentRun, HcGainRecord } from '../../../reports/schema.js';
import gpt, { GPT, type GptConfig } from '../../../zoo/gpt/index.js';
import { hcDiagnostics } from '../../../zoo/gpt/hc-diagnostics.js';
import type { DataSource } from '../../../zoo/model.js';
import { meanLoss } from '../trainer.js';

export interface OptimizerSettings {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  warmupSteps: number;
  /** Final lr of the cosine, as a fraction of lr. */
  minLrFraction: number;
  clipNorm: number;
}

export interface ArmProgress {
  arm: ExperimentArm;
  seed: number;
  steps: number;
  point: ExperimentPoint;
}

export interface ArmOptions {
  arm: ExperimentArm;
  seed: number;
  config: GptConfig;
  steps: number;
  logEvery: number;
  backend: string;
  optimizer: OptimizerSettings;
  /** Training batches (the seed's data order) and the fixed validation batches. */
  trainBatch(step: number): Readonly<Record<string, Tensor>>;
  valBatches: readonly Readonly<Record<string, Tensor>>[];
  /** The fixed sequence hcDiagnostics runs on: (T) token ids. */
  diagnosticTokens: Int32Array;
  /** The plain model of the same seed: its parameters are copied into every parameter of the same name and shape. */
  reference: Module | null;
  onPoint?(p: ArmProgress): void;
  shouldStop?(): boolean;
}

/** Every module in the tree (depth first). */
function* modules(m: Module): IterableIterator<Module> {
  yield m;
  for (const [, child] of m.namedChildren()) yield* modules(child);
}

/** Parameters a hyper-connection declares static (its biases b): never decayed (HC §4). */
function staticParameters(model: Module): Set<Tensor> {
  const out = new Set<Tensor>();
  for (const m of modules(model)) {
    const f = (m as { staticParameters?: () => Tensor[] }).staticParameters;
    if (typeof f === 'function') for (const p of f.call(m)) out.add(p);
  }
  return out;
}

/**
 * AdamW groups: weight decay on matrices (rank >= 2: Linear and embedding weights, HC θ, mHC φ)
 * and none on vectors and scalars (norm gains, biases, α) or on the static HC parts (b_res is a
 * matrix but static). Returns the groups and the decayed parameter names.
 */
export function decayGroups(model: Module, weightDecay: number): { groups: { params: Tensor[]; weightDecay: number }[]; decayed: string[] } {
  const fixed = staticParameters(model);
  const decay: Tensor[] = [], rest: Tensor[] = [], decayed: string[] = [];
  for (const [name, p] of model.namedParameters()) {
    if (p.rank >= 2 && !fixed.has(p)) {
      decay.push(p);
      decayed.push(name);
    } else rest.push(p);
  }
  const groups = [{ params: decay, weightDecay }, { params: rest, weightDecay: 0 }].filter((g) => g.params.length > 0);
  return { groups, decayed };
}

/**
 * Copies every parameter of `reference` into the parameter of `model` with the same name and
 * shape, so that the arms of one seed start from identical shared weights whatever the extra
 * modules drew from the generator. Returns the names copied.
 */
export function copySharedWeights(reference: Module, model: Module): string[] {
  const own = new Map(model.namedParameters());
  const shared: Record<string, Tensor> = {};
  for (const [name, p] of reference.namedParameters()) {
    const q = own.get(name);
    if (q && q.rank === p.rank && q.shape.every((d, i) => d === p.shape[i])) shared[name] = p;
  }
  model.loadStateDict(shared, { strict: false });
  return Object.keys(shared);
}

/** hcDiagnostics on the fixed sequence, in eval mode. */
function diagnose(model: GPT, tokens: Int32Array, backend: string): HcGainRecord {
  const wasTraining = model.training;
  model.eval();
  const idx = fromArray(Int32Array.from(tokens), [1, tokens.length], 'int32', { backend }); // (1, T)
  try {
    return noGrad(() => hcDiagnostics(model, idx)) as HcGainRecord;
  } finally {
    idx.dispose();
    model.train(wasTraining);
  }
}

const read = async (t: Tensor): Promise<number> => {
  const v = (await t.data())[0]!;
  t.dispose();
  return v;
};
const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);
const meanOf = (xs: readonly number[]): number | null => (xs.length ? finiteOrNull(xs.reduce((a, b) => a + b, 0) / xs.length) : null);

/** Builds the arm's model from the seed, trains it and releases it; stops early on a non-finite loss or shouldStop(). */
export async function trainArm(o: ArmOptions): Promise<ExperimentRun> {
  const model = gpt.build(o.config, new Generator(o.seed), { backend: o.backend, dtype: 'float32' });
  if (o.reference) copySharedWeights(o.reference, model);
  const s = o.optimizer;
  const opt = new AdamW(decayGroups(model, s.weightDecay).groups, { lr: s.lr, betas: s.betas, eps: s.eps });
  const warmup = Math.min(s.warmupSteps, Math.max(0, o.steps - 1));
  // Step 0 trains at lr / warmup (not 0); the lr reaches `lr` at the end of the warmup.
  const sched = new LinearWarmupCosine(opt, { warmupEpochs: warmup, maxEpochs: o.steps, warmupStartLr: warmup ? s.lr / warmup : s.lr, etaMin: s.lr * s.minLrFraction });
  const params = model.parameters();
  const tokensPerStep = o.config.batchSize * o.config.blockSize;
  const run: ExperimentRun = {
    arm: o.arm, seed: o.seed, parameters: model.numParameters(), stepsDone: 0, divergedAt: null, seconds: 0, tokensPerSecond: 0,
    trainLoss: [], gradNorm: [], points: [], finalValLoss: null,
  };
  const t0 = performance.now();
  let trainMs = 0, since = { losses: [] as number[], norms: [] as number[], ms: 0 };
  const log = async (step: number, lr: number | null) => {
    const valLoss = finiteOrNull(await meanLoss(gpt, model, o.config, o.valBatches));
    const point: ExperimentPoint = {
      step, trainLoss: meanOf(since.losses), valLoss, gradNorm: meanOf(since.norms), gradNormMax: since.norms.length ? finiteOrNull(Math.max(...since.norms)) : null,
      lr, tokensPerSecond: since.ms > 0 ? (since.losses.length * tokensPerStep) / (since.ms / 1000) : null,
      diagnostics: diagnose(model, o.diagnosticTokens, o.backend),
    };
    run.points.push(point);
    since = { losses: [], norms: [], ms: 0 };
    o.onPoint?.({ arm: o.arm, seed: o.seed, steps: o.steps, point });
  };
  model.train();
  await log(0, null);
  for (let step = 0; step < o.steps && !o.shouldStop?.(); step++) {
    const lr = opt.paramGroups[0]!.lr;
    const batch = o.trainBatch(step);
    const ts = performance.now();
    const [loss, norm] = tidy(() => {
      const l = gpt.loss(model, batch, o.config);
      backward(l);
      const n = clipGradNorm(params, s.clipNorm);
      opt.step();
      opt.zeroGrad();
      return [l.detach(), n];
    });
    const [lv, nv] = [await read(loss), await read(norm)];
    for (const t of Object.values(batch)) t.dispose();
    sched.step();
    const ms = performance.now() - ts;
    trainMs += ms;
    since.ms += ms;
    run.trainLoss.push(finiteOrNull(lv));
    run.gradNorm.push(finiteOrNull(nv));
    run.stepsDone = step + 1;
    if (!Number.isFinite(lv) || !Number.isFinite(nv)) {
      run.divergedAt = step;
      break;
    }
    since.losses.push(lv);
    since.norms.push(nv);
    if (run.stepsDone % o.logEvery === 0 || run.stepsDone === o.steps) await log(run.stepsDone, lr);
    await new Promise((resolve) => setImmediate(resolve)); // let signals (Ctrl-C) through between steps
  }
  if (run.divergedAt === null && run.points.at(-1)!.step !== run.stepsDone) await log(run.stepsDone, opt.paramGroups[0]!.lr);
  run.finalValLoss = run.divergedAt === null ? run.points.at(-1)!.valLoss : null;
  run.seconds = (performance.now() - t0) / 1000;
  run.tokensPerSecond = trainMs > 0 ? (run.stepsDone * tokensPerStep) / (trainMs / 1000) : 0;
  for (const p of params) p.dispose();
  return run;
}
