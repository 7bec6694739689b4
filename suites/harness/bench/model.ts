// Model benchmarks (`zoo bench --model`): a registered model's preset on one backend, per mode:
//   train   loss, backward and an AdamW step (one iteration = one batch)
//   infer   the loss in eval mode without gradients (the forward pass)
//   decode  one-token steps with the model's KV cache (decode.ts)
// Before timing, the same computation at a batch small enough for ref is compared with ref
// (validate.ts). One untimed warm-up iteration runs on a metered view of the backend (meter.ts)
// to count the bytes the roofline needs; MFU comes from the model's analytic flops.
import { AdamW, backward, fallbackCounts, getBackend, keep, noGrad, tidy, type Backend, type Module, type Tensor } from '../../../engine/index.js';
import type { BenchRecord, MachineLimits, ValidationRecord } from '../../../reports/schema.js';
import type { AnyModel, Batch } from '../../../zoo/index.js';
import { decodeApi, decodeBenchmark, tokensOf, validateDecode } from './decode.js';
import { syncBackend, syncMethod, threadsOf } from './hooks.js';
import { meter } from './meter.js';
import { batchOf, buildOn, configKey, disposeBuilt, modelKey, seqOf, BATCH_KEYS, type Config, type ModelBenchSpec, type ModelMode } from './modelspec.js';
import { emptyRecord, gpuOf, settleMemory, unavailableRecord, fallbackDiff, measuredRecord, timeSubject, type TimingOptions, type Work } from './record.js';
import { stepRound, timeOnce } from './sampling.js';
import { ORACLE, normalizedError, relativeL2, validationRecord } from './validate.js';

/** Train FLOPs ref may spend on validation (float64 JS: about a second per GFLOP); above it the batch is reduced. */
const REF_VALIDATION_FLOPS = 2e9;
const LR = 1e-4;
/** Compute passes one model iteration may record with GPU timestamps (more and the block is dropped). */
const MODEL_PASSES = 2048;

/** The validation config: the same model with the batch reduced until ref can afford it. */
function validationConfig(def: AnyModel, config: Config): { config: Config; used: number | null; full: number | null } {
  const full = batchOf(config), k = configKey(config, BATCH_KEYS);
  const flops = def.flops(config).train;
  if (!k || full === null || flops <= REF_VALIDATION_FLOPS) return { config, used: full, full };
  const used = Math.max(1, Math.floor((full * REF_VALIDATION_FLOPS) / flops));
  return { config: { ...config, [k]: used }, used, full };
}

/** Loss (and, for train, every parameter's gradient) of one batch on `backend`, as plain arrays. */
async function lossAndGrads(def: AnyModel, config: Config, backend: string, seed: number, mode: 'train' | 'infer'): Promise<ArrayLike<number>[]> {
  const outs = tidy(() => {
    const { model, batches } = buildOn(def, config, backend, seed);
    if (mode === 'infer') return [noGrad(() => def.loss(model.eval(), batches[0]!, config))];
    const loss = def.loss(model, batches[0]!, config);
    backward(loss);
    return [loss.detach(), ...model.parameters().map((p) => p.grad).filter((g): g is Tensor => g !== null)];
  });
  const arrays: ArrayLike<number>[] = [];
  for (const t of outs) arrays.push(Float64Array.from(await t.data()));
  outs.forEach((t) => t.dispose());
  return arrays;
}

async function validateModel(s: ModelBenchSpec, mode: ModelMode): Promise<ValidationRecord> {
  if (s.backend === 'ref') return ORACLE;
  const v = validationConfig(s.def, s.config);
  const batch = v.used !== null && v.full !== null && v.used !== v.full ? { batch: { used: v.used, benchmarked: v.full } } : {};
  const at = batch.batch ? ` at batch ${v.used} of ${v.full} (the benchmarked config otherwise)` : '';
  if (mode === 'decode') return validateDecode(s, v.config, at, batch);
  const got = await lossAndGrads(s.def, v.config, s.backend, s.seed, mode);
  const want = await lossAndGrads(s.def, v.config, 'ref', s.seed, mode);
  const lossErr = normalizedError(got[0]!, want[0]!);
  if (mode === 'infer') return validationRecord(lossErr, `loss in eval mode${at}`, batch);
  const gradErr = relativeL2(got.slice(1), want.slice(1));
  const ok = Math.max(lossErr, gradErr);
  return validationRecord(ok, `loss and every parameter gradient (relative L2)${at}`, {
    ...batch, detail: `loss error ${lossErr.toExponential(2)}, gradient error ${gradErr.toExponential(2)}`,
  });
}

interface Loop {
  beforeIteration?: () => Promise<void>;
  iteration: () => Promise<void>;
  work: Omit<Work, 'meteredFlops' | 'bytes'>;
  note?: string;
  dispose(): void;
}

/** Train or infer iterations on prebuilt batches (rotated), synchronized on the loss. */
function trainOrInfer(s: ModelBenchSpec, mode: 'train' | 'infer', model: Module, batches: Batch[], backend: Backend): Loop {
  let i = 0;
  const opt = mode === 'train' ? new AdamW(model.parameters(), { lr: LR }) : null;
  if (!opt) model.eval();
  const units = s.def.units(s.config), flops = s.def.flops(s.config);
  return {
    iteration: async () => {
      const batch = batches[i++ % batches.length]!;
      const loss = tidy(() => {
        if (!opt) return noGrad(() => s.def.loss(model, batch, s.config));
        const l = s.def.loss(model, batch, s.config);
        backward(l);
        opt.step();
        opt.zeroGrad();
        return keep(l.detach());
      });
      await syncBackend(backend, [loss]);
      loss.dispose();
    },
    work: { flops: opt ? flops.train : flops.forward, units: units.count, unit: units.unit },
    dispose: () => {
      for (const st of Object.values(opt?.stateDict().state ?? {})) for (const t of Object.values(st.tensors)) t.dispose();
    },
  };
}

function loopFor(s: ModelBenchSpec, mode: ModelMode, built: { model: Module; batches: Batch[] }, backend: Backend): Loop | string {
  if (mode !== 'decode') return trainOrInfer(s, mode, built.model, built.batches, backend);
  const dec = decodeApi(built.model), tokens = tokensOf(built.batches[0]!);
  if (!dec) return `model ${s.name} has no KV-cache decoding API (createCache and forward(idx, { cache }))`;
  if (!tokens) return `model ${s.name}'s batches have no (B, T) int32 token tensor to decode`;
  const d = decodeBenchmark(dec, tokens, backend);
  const forward = s.def.flops(s.config).forward;
  return { ...d, work: { flops: d.flopsPerStep(forward), units: d.tokensPerStep, unit: 'tokens' } };
}

export async function runModelBench(s: ModelBenchSpec, mode: ModelMode, limits: MachineLimits, timing: TimingOptions): Promise<BenchRecord> {
  const base = {
    key: modelKey(s, mode), kind: 'model' as const, name: s.name, backend: s.backend, mode, preset: s.preset,
    batch: batchOf(s.config), seq: seqOf(s.config), dtype: 'float32', threads: null as number | null,
  };
  const unavailable = unavailableRecord(base);
  if (unavailable) return unavailable;
  const backend = getBackend(s.backend);
  const sync = syncMethod(backend);
  base.threads = threadsOf(backend);
  const fail = (what: string, err: unknown, v?: ValidationRecord) => {
    const msg = err instanceof Error ? err.message : String(err);
    return emptyRecord(base, 'failed', `${what} on ${s.backend}: ${msg}`, v ?? { ...ORACLE, status: 'failed', compared: 'outputs', detail: msg }, sync);
  };
  const liveBytesBefore = backend.memory().liveBytes;
  const m = meter(backend);
  let built: { model: Module; batches: Batch[] };
  try {
    built = buildOn(s.def, s.config, m.backend, s.seed, 2);
  } catch (err) {
    return fail('error building the model', err);
  }
  let loop: Loop | string | undefined, rec: BenchRecord | undefined;
  try {
    loop = loopFor(s, mode, built, m.backend);
    if (typeof loop === 'string') return emptyRecord(base, 'skipped', loop, { ...ORACLE, status: 'skipped', compared: 'nothing' }, sync);
    let validation: ValidationRecord;
    try {
      validation = await validateModel(s, mode);
    } catch (err) {
      return fail('error during validation', err);
    }
    if (validation.status === 'failed') return emptyRecord(base, 'failed', `validation failed on ${s.backend}: ${validation.detail}`, validation, sync);
    rec = await timeLoop(loop, m, base, validation, { sync, liveBytesBefore, backend, limits, timing }).catch((err) => fail('error while timing', err, validation));
  } finally {
    if (typeof loop === 'object') loop.dispose();
    disposeBuilt(built);
  }
  return settleMemory(rec, backend);
}

interface TimeContext {
  sync: BenchRecord['sync'];
  liveBytesBefore: number;
  backend: Backend;
  limits: MachineLimits;
  timing: TimingOptions;
}

/** First run, then warm-up (its first iteration metered) and adaptive sampling. */
async function timeLoop(loop: Loop, m: ReturnType<typeof meter>, base: Parameters<typeof measuredRecord>[0], validation: ValidationRecord, c: TimeContext): Promise<BenchRecord> {
  const fb0 = new Map(fallbackCounts());
  await loop.beforeIteration?.();
  const firstRunMs = await timeOnce(loop.iteration);
  const fallbacks = fallbackDiff(fb0, fallbackCounts());
  let metered = { flops: 0, bytes: 0, calls: 0 };
  const iteration = async () => {
    await loop.beforeIteration?.();
    await loop.iteration();
  };
  const t = await timeSubject({
    iteration,
    firstWarmup: async () => {
      await loop.beforeIteration?.();
      m.start();
      await loop.iteration();
      metered = m.stop();
    },
    sampler: () => ({
      round: stepRound(loop.iteration, loop.beforeIteration), callsPerSample: 1, roundMs: 0, block: loop.iteration,
      ...(loop.beforeIteration ? { before: loop.beforeIteration } : {}),
    }),
    ...gpuOf(c.backend, MODEL_PASSES),
  }, c.timing);
  return measuredRecord(base, {
    validation, firstRunMs, timing: t, fallbacks, sync: c.sync, ...(loop.note ? { note: loop.note } : {}),
    work: { ...loop.work, meteredFlops: metered.calls ? metered.flops : null, bytes: metered.calls ? metered.bytes : null },
    device: { liveBytesBefore: c.liveBytesBefore, backend: c.backend },
  }, c.limits);
}
