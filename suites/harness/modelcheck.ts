// Registry-driven model checks (DESIGN.md "Adding a model"; timm's tests/test_models.py). For every
// model of zoo/index.ts, every preset whose name starts with "tiny", on every available backend:
//   1. the loss is a finite scalar and every parameter receives a finite, non-zero gradient;
//   2. (ref) a whole-model directional gradient check in float64: for a random direction u over all
//      parameters and continuous inputs, <∇L, u> against (L(θ + h u) − L(θ − h u)) / 2h, per leaf
//      and for all leaves at once (suites/harness/modulecheck.ts);
//   3. (other backends) loss and gradients match the float64 oracle within the derived tolerance
//      of the op parity suite (suites/harness/tolerance.ts: k times the error of a float32 ref run,
//      plus float32 roundoff), the three runs sharing the same float32 weights and batch;
//   4. the same seed gives a bit-identical loss twice;
//   5. trainCheck.steps Adam steps bring the training loss below trainCheck.maxRatio × its start;
//   6. the model's own invariants hold (on backends with float64 and synchronous reads: ref).
// A model whose loss is random in training mode (dropout) is checked in eval mode in 2 and 3.
// NOTE: on accelerated backends check 5 runs for the `tiny` preset only (the suite decides): the
// variants' training is checked on ref and their forward and gradients by parity, and training
// through a software WebGPU adapter costs tens of seconds per model.
import {
  Adam, Generator, add, backward, fmtShape, fromArray, getBackend, isFloat, noGrad, tensor, tidy, zeros, type Module, type Tensor,
} from '../../engine/index.js';
import { MODELS } from '../../zoo/index.js';
import type { AnyModel, Batch, BuildOptions, DataSource, InvariantContext } from '../../zoo/model.js';
import { checkModuleGradients } from './modulecheck.js';
import { compareFloat, type Comparison } from './tolerance.js';
import { trainStep } from './trainer.js';

export const MODEL_CHECK_SEED = 1;
/** Directional gradient check: largest accepted relative error (float64 central differences reach ~1e-9). */
export const GRAD_TOL = 1e-6;
/** Fixed training batches on which the "loss goes down" check measures the training loss. */
const TRAIN_MEASURE_BATCHES = 4;

export class ModelCheckFailure extends Error {}

export interface ModelCase {
  def: AnyModel;
  preset: string;
  config: object;
  backend: string;
  /** model/preset on backend, for messages. */
  label: string;
}

export const tinyPresets = (def: AnyModel): string[] => Object.keys(def.presets).filter((p) => p.startsWith('tiny'));

/** Every (model, tiny preset) of the registry on `backend`. */
export function modelCases(backend: string, models: Readonly<Record<string, AnyModel>> = MODELS): ModelCase[] {
  return Object.values(models).flatMap((def) =>
    tinyPresets(def).map((preset) => ({ def, preset, config: def.presets[preset]!, backend, label: `${def.name}/${preset} on ${backend}` })),
  );
}

interface Built {
  model: Module;
  data: DataSource;
}

/** The case's model and data from the check seed, with `opts` (default: the case's backend). */
function fresh(c: ModelCase, opts: BuildOptions = {}): Built {
  const o = { backend: c.backend, ...opts };
  return { model: c.def.build(c.config, new Generator(MODEL_CHECK_SEED), o) as Module, data: c.def.data(c.config, { seed: MODEL_CHECK_SEED, ...o }) };
}

const values = async (t: Tensor): Promise<Float64Array> => Float64Array.from(await t.data());
const maxAbs = (a: ArrayLike<number>): number => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
};

// ---- 1. loss and gradients ---------------------------------------------------------------------

export async function checkLossAndGradients(c: ModelCase): Promise<{ loss: number; parameters: number }> {
  const fail = (what: string) => new ModelCheckFailure(`${c.label}: ${what}`);
  const { model, data } = fresh(c);
  const loss = c.def.loss(model, data.trainBatch(0), c.config);
  if (loss.rank !== 0) throw fail(`the loss has shape ${fmtShape(loss.shape)}, not a scalar`);
  const value = (await values(loss))[0]!;
  if (!Number.isFinite(value)) throw fail(`the loss is ${value}`);
  backward(loss);
  const params = [...model.namedParameters()];
  for (const [name, p] of params) {
    if (!p.grad) throw fail(`parameter ${name} ${fmtShape(p.shape)} received no gradient`);
    const g = await values(p.grad);
    const bad = g.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw fail(`parameter ${name} ${fmtShape(p.shape)}: gradient element ${bad} is ${g[bad]}`);
    if (maxAbs(g) === 0) throw fail(`parameter ${name} ${fmtShape(p.shape)}: the gradient is zero everywhere`);
  }
  model.zeroGrad();
  return { loss: value, parameters: params.length };
}

// ---- 2. directional gradient check (ref, float64) ------------------------------------------------

/** Train mode when the loss is a deterministic function of the weights there, else eval mode. */
function deterministicMode(c: ModelCase, model: Module, batch: Batch): 'train' | 'eval' {
  model.train();
  const twice = tidy(() => noGrad(() => [0, 1].map(() => c.def.loss(model, batch, c.config).item())));
  if (Object.is(twice[0], twice[1])) return 'train';
  model.eval();
  return 'eval';
}

export function checkDirectionalGradient(c: ModelCase): { worst: number; mode: 'train' | 'eval'; leaves: number } {
  const { model, data } = fresh(c, { backend: 'ref', dtype: 'float64' });
  const batch = data.trainBatch(0);
  const mode = deterministicMode(c, model, batch);
  const params = Object.fromEntries(model.namedParameters());
  const inputs = Object.fromEntries(Object.entries(batch).filter(([, t]) => isFloat(t.dtype)).map(([k, t]) => [`input ${k}`, t]));
  const r = checkModuleGradients(() => c.def.loss(model, batch, c.config), params, inputs, { seed: 7, tol: GRAD_TOL });
  if (!r.passed) {
    const bad = r.leaves.filter((l) => !(l.relErr <= GRAD_TOL)).map((l) => `${l.name === '*' ? 'all leaves' : l.name}: analytic ${l.analytic.toExponential(6)} vs numeric ${l.numeric.toExponential(6)} (relative error ${l.relErr.toExponential(2)})`);
    throw new ModelCheckFailure(`${c.label}: gradient does not match float64 finite differences (${mode} mode, tolerance ${GRAD_TOL}): ${bad.join('; ')}`);
  }
  return { worst: r.worst, mode, leaves: r.leaves.length - 1 };
}

// ---- 3. parity with the float64 oracle ---------------------------------------------------------

/** Copies `src`'s parameters and buffers into `dst` (any backend, dtype converted). */
function copyState(src: Module, dst: Module): void {
  const own = dst.stateDict();
  const sd = Object.fromEntries(Object.entries(src.stateDict()).map(([k, t]) => {
    const d = own[k];
    return [k, d ? tensor(t.dataSync(), { shape: t.shape, dtype: d.dtype, backend: d.backend }) : t];
  }));
  dst.loadStateDict(sd);
}

/** `batch` re-created on `backend` with its float tensors in `dtype`. */
function moveBatch(batch: Batch, backend: string, dtype: 'float32' | 'float64'): Batch {
  return Object.fromEntries(Object.entries(batch).map(([k, t]) => [k, isFloat(t.dtype) ? tensor(t.dataSync(), { shape: t.shape, dtype, backend }) : fromArray(t.dataSync(), t.shape, t.dtype, { backend })]));
}

/** The loss and every parameter gradient, by name ('loss' first). */
async function lossAndGrads(c: ModelCase, model: Module, batch: Batch): Promise<Map<string, Float64Array>> {
  const loss = c.def.loss(model, batch, c.config);
  backward(loss);
  const out = new Map([['loss', await values(loss)]]);
  for (const [name, p] of model.namedParameters()) out.set(name, p.grad ? await values(p.grad) : new Float64Array(p.size));
  model.zeroGrad();
  return out;
}

export interface ParityRecord extends Comparison {
  /** 'loss' or a parameter name (its gradient). */
  tensor: string;
}

/**
 * F of the tolerance (roundings that can feed one element): the element count of the largest
 * batch tensor. NOTE: a conservative stand-in for the longest reduction of the model's float32
 * arithmetic, the batch reduction of the weight gradients (B·T positions, B·H·W pixels; B·F
 * overcounts the B rows of a tabular batch by its F features).
 */
const roundingsPerOutput = (batch: Batch): number => Math.max(1, ...Object.values(batch).map((t) => t.size));

export async function checkParity(c: ModelCase): Promise<ParityRecord[]> {
  const ref32 = fresh(c, { backend: 'ref', dtype: 'float32' });
  const oracle = fresh(c, { backend: 'ref', dtype: 'float64' });
  const dev = fresh(c, { backend: c.backend, dtype: 'float32' });
  copyState(ref32.model, oracle.model);
  copyState(ref32.model, dev.model);
  const batch = ref32.data.trainBatch(0);
  const mode = deterministicMode(c, ref32.model, batch);
  for (const m of [oracle.model, dev.model]) m.train(mode === 'train');
  const want = await lossAndGrads(c, oracle.model, moveBatch(batch, 'ref', 'float64'));
  const ref = await lossAndGrads(c, ref32.model, batch);
  const got = await lossAndGrads(c, dev.model, moveBatch(batch, c.backend, 'float32'));
  const F = roundingsPerOutput(batch);
  const records = [...want].map(([name, y]) => ({ tensor: name, ...compareFloat(y, ref.get(name)!, got.get(name)!, F) }));
  const bad = records.filter((r) => r.failure !== undefined);
  if (bad.length) {
    throw new ModelCheckFailure(`${c.label}: differs from the float64 oracle beyond the derived tolerance (${mode} mode): ${bad.map((r) => `${r.tensor === 'loss' ? 'loss' : `gradient of ${r.tensor}`}: ${r.failure}`).join('; ')}`);
  }
  return records;
}

// ---- 4. determinism ------------------------------------------------------------------------------

export async function checkDeterminism(c: ModelCase): Promise<number> {
  const once = async () => {
    const { model, data } = fresh(c);
    return (await values(c.def.loss(model, data.trainBatch(0), c.config)))[0]!;
  };
  const [a, b] = [await once(), await once()];
  if (!Object.is(a, b)) throw new ModelCheckFailure(`${c.label}: the same seed gave losses ${a} and ${b}`);
  return a;
}

// ---- 5. the loss goes down -----------------------------------------------------------------------

/** Mean loss over the first TRAIN_MEASURE_BATCHES training batches, in training mode, no gradients. */
async function trainingLoss(c: ModelCase, model: Module, data: DataSource): Promise<number> {
  let total = 0;
  for (let s = 0; s < TRAIN_MEASURE_BATCHES; s++) {
    const loss = tidy(() => noGrad(() => c.def.loss(model, data.trainBatch(s), c.config)));
    total += (await values(loss))[0]!;
    loss.dispose();
  }
  return total / TRAIN_MEASURE_BATCHES;
}

export async function checkTraining(c: ModelCase): Promise<{ initial: number; final: number; ratio: number; steps: number }> {
  const { steps, lr, maxRatio } = c.def.trainCheck;
  const { model, data } = fresh(c);
  model.train();
  const initial = await trainingLoss(c, model, data);
  const opt = new Adam(model.parameters(), { lr });
  for (let s = 0; s < steps; s++) {
    // NOTE: reading each step's loss keeps an asynchronous backend's queue short (webgpu is slower without).
    const loss = trainStep(c.def, model, c.config, data.trainBatch(s), opt);
    await loss.data();
    loss.dispose();
  }
  const final = await trainingLoss(c, model, data);
  const ratio = final / initial;
  if (!(ratio <= maxRatio)) {
    throw new ModelCheckFailure(`${c.label}: ${steps} Adam steps (lr ${lr}) took the training loss from ${initial.toFixed(4)} to ${final.toFixed(4)}, ratio ${ratio.toFixed(3)} > ${maxRatio}`);
  }
  return { initial, final, ratio, steps };
}

// ---- 6. invariants -------------------------------------------------------------------------------

export function invariantContext(c: ModelCase): InvariantContext<object, Module> {
  return {
    config: c.config,
    build: (config = c.config, opts = {}) => c.def.build(config, new Generator(MODEL_CHECK_SEED), { backend: c.backend, ...opts }) as Module,
    data: c.def.data(c.config, { seed: MODEL_CHECK_SEED, backend: c.backend }),
    backend: c.backend,
  };
}

/**
 * Whether invariants can run on `backend`: they read values synchronously and build float64
 * models (their tolerances are float64 ones), so they need both (ref has them; native is float32).
 */
export function runsInvariants(backend: string): boolean {
  if (!getBackend(backend).syncRead) return false;
  try {
    return tidy(() => add(zeros([1], { dtype: 'float64', backend }), 1).item()) === 1;
  } catch {
    return false;
  }
}

export function checkInvariant(c: ModelCase, name: string): void {
  const inv = c.def.invariants.find((i) => i.name === name);
  if (!inv) throw new ModelCheckFailure(`${c.label}: no invariant named '${name}'`);
  try {
    inv.check(invariantContext(c));
  } catch (err) {
    throw new ModelCheckFailure(`${c.label}: invariant '${name}' fails: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}
