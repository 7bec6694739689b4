// A `zoo bench` run: resolve and check the request (bad input throws before anything runs),
// measure the machine's limits, run every benchmark with progress on stderr, and write one
// versioned results file atomically. Ctrl-C stops after the current sample and still writes the
// benchmarks finished so far, marked partial.
import {
  OP_NAMES, ValueError, backendNames, backendStatus, getBackend, initWebGPU, isDType, isFloat, type Backend, type DType, type OpName,
} from '../../../engine/index.js';
import { writeJsonAtomic } from '../../../reports/io.js';
import { BENCH_SCHEMA, BENCH_VERSION, type BackendInfo, type BenchRecord, type BenchResultsFile, type MachineLimits } from '../../../reports/schema.js';
import type { AnyModel } from '../../../zoo/index.js';
import { environment } from '../env.js';
import { backendDetails, setThreads, threadsOf } from './hooks.js';
import { measureLimits, skippedLimits } from './limits.js';
import { MODEL_MODES, resolveConfig, type ModelBenchSpec, type ModelMode } from './modelspec.js';
import { runModelBench } from './model.js';
import { planOp, runOpBench, type OpBenchSpec } from './op.js';
import { GEMM_SUITE, runGemmCase } from './gemm.js';
import { oneLine } from './format.js';
import { createProgress, type Progress } from './progress.js';
import { now } from './sampling.js';
import type { TimingOptions } from './record.js';

/** Backends by preference when none is named: the fastest available one is benchmarked. */
export const BACKEND_PREFERENCE = ['native', 'webgpu', 'ref'];

export interface BenchRequest {
  models: string[];
  ops: string[];
  backends?: string[];
  preset: string;
  modes: string[];
  batch?: number;
  seq?: number;
  shapes?: number[][];
  attrs?: unknown;
  dtype: string;
  threads?: number;
  minTimeS?: number;
  maxTimeS?: number;
  warmupS?: number;
  targetSpread: number;
  repeatAA: boolean;
  seed: number;
  limits: boolean;
  /** Op benchmarks keep their data in cache (one input set; bandwidth fraction of the in-cache bound). */
  inCache?: boolean;
  /** A named set of benchmarks ('gemm': the native sgemm shapes of suites/harness/bench/gemm.ts). */
  suite?: string;
  /** Results file path. */
  json: string;
}

export interface BenchRun {
  file: BenchResultsFile;
  path: string;
  interrupted: boolean;
  notes: string[];
}

/** Thrown for a request that cannot run (the CLI prints it as one line, exit 2). */
export const badInput = (msg: string): ValueError => new ValueError('bench', msg);

/** webgpu starts asynchronously: start it when it is asked for, or when it may be the fastest available. */
async function startAsyncBackends(requested: string[] | undefined): Promise<void> {
  const nativeUp = backendNames().includes('native') && backendStatus('native').available;
  if (requested ? requested.includes('webgpu') : !nativeUp) await initWebGPU();
}

function pickBackends(requested: string[] | undefined, notes: string[]): string[] {
  if (requested) {
    const known = backendNames();
    const bad = requested.filter((b) => !known.includes(b));
    if (bad.length) throw badInput(`unknown backend ${bad.map((b) => `'${b}'`).join(', ')} (valid: ${known.join(', ')})`);
    return requested;
  }
  const available = backendNames().filter((n) => backendStatus(n).available);
  const order = [...BACKEND_PREFERENCE.filter((n) => available.includes(n)), ...available.filter((n) => !BACKEND_PREFERENCE.includes(n))];
  for (const n of BACKEND_PREFERENCE) {
    if (n === order[0]) break;
    const s = backendStatus(n);
    if (backendNames().includes(n) && !s.available) notes.push(`backend ${n} is unavailable (${s.reason}); benchmarking ${order[0]}`);
  }
  return order.slice(0, 1);
}

interface Planned {
  label: string;
  run(limits: MachineLimits, timing: TimingOptions): Promise<BenchRecord>;
}

/** Checks names, modes, shapes and configs before anything starts; throws one-line errors. */
function checkRequest(req: BenchRequest, registry: Readonly<Record<string, AnyModel>>): void {
  const names = Object.keys(registry);
  const unknownModels = req.models.filter((m) => !names.includes(m));
  if (unknownModels.length) throw badInput(`unknown model ${unknownModels.map((m) => `'${m}'`).join(', ')} (valid: ${names.join(', ') || 'none registered'})`);
  const unknownOps = req.ops.filter((o) => !(OP_NAMES as readonly string[]).includes(o));
  if (unknownOps.length) throw badInput(`unknown op ${unknownOps.map((o) => `'${o}'`).join(', ')} (valid: ${OP_NAMES.slice(0, 12).join(', ')}, … ${OP_NAMES.length} in all; see 'zoo list')`);
  const badModes = req.modes.filter((m) => !(MODEL_MODES as readonly string[]).includes(m));
  if (badModes.length) throw badInput(`unknown mode ${badModes.map((m) => `'${m}'`).join(', ')} (valid: ${MODEL_MODES.join(', ')})`);
  if (req.suite !== undefined && !(BENCH_SUITES as readonly string[]).includes(req.suite)) throw badInput(`unknown suite '${req.suite}' (valid: ${BENCH_SUITES.join(', ')})`);
  if (req.suite === 'gemm' && req.backends && req.backends.some((b) => b !== 'native')) throw badInput('--suite gemm benchmarks the native sgemm: use it without --backend or with --backend native');
  if (!req.models.length && !req.ops.length && !req.suite) throw badInput('nothing to benchmark: give --model NAME[,NAME], --op NAME[,NAME] --shape SHAPES or --suite gemm');
  if (req.ops.length && !req.shapes) throw badInput("--op needs --shape (e.g. --shape '1024x1024,1024x1024')");
  if (!isDType(req.dtype) || !isFloat(req.dtype)) throw badInput(`unknown dtype '${req.dtype}' (valid: float32, float64)`);
  for (const name of req.models) resolveConfig(name, registry[name]!, req.preset, req.batch, req.seq);
  // The op's own typed error for bad shapes or attributes.
  for (const op of req.ops as OpName[]) planOp(opSpec(req, op, 'ref'));
}

const opSpec = (req: BenchRequest, op: OpName, backend: string): OpBenchSpec =>
  ({ op, shapes: req.shapes!, attrs: req.attrs ?? {}, dtype: req.dtype as DType, backend, seed: req.seed, ...(req.inCache ? { inCache: true } : {}) });

/** Named benchmark sets (`zoo bench --suite NAME`). */
export const BENCH_SUITES = ['gemm'] as const;

function plan(req: BenchRequest, registry: Readonly<Record<string, AnyModel>>, backends: string[]): Planned[] {
  const out: Planned[] = [];
  if (req.suite === 'gemm') {
    for (const c of GEMM_SUITE) out.push({ label: `gemm ${c.label}`, run: (l, t) => runGemmCase(c, l, t, req.seed) });
  }
  for (const name of req.models) {
    const def = registry[name]!;
    const config = resolveConfig(name, def, req.preset, req.batch, req.seq);
    for (const backend of backends) {
      const spec: ModelBenchSpec = { name, def, preset: req.preset, config, backend, seed: req.seed };
      for (const mode of req.modes as ModelMode[]) out.push({ label: `${name} ${mode} on ${backend}`, run: (l, t) => runModelBench(spec, mode, l, t) });
    }
  }
  for (const op of req.ops as OpName[]) {
    for (const backend of backends) out.push({ label: `${op} on ${backend}`, run: (l, t) => runOpBench(opSpec(req, op, backend), l, t) });
  }
  return out;
}

function backendInfos(backends: string[]): BackendInfo[] {
  return backends.map((name) => {
    const s = backendStatus(name);
    if (!s.available) return { name, available: false, reason: s.reason ?? 'unavailable', threads: null, details: {} };
    const b = getBackend(name);
    return { name, available: true, threads: threadsOf(b), details: backendDetails(b) };
  });
}

/** Defaults: models get a longer budget than single kernels. */
function timingDefaults(req: BenchRequest): { minTimeMs: number; maxTimeMs: number; warmupMs: number } {
  const models = req.models.length > 0;
  const minTimeS = req.minTimeS ?? (models ? 2 : 0.5);
  const maxTimeS = Math.max(minTimeS, req.maxTimeS ?? (models ? 10 : 3));
  return { minTimeMs: minTimeS * 1000, maxTimeMs: maxTimeS * 1000, warmupMs: (req.warmupS ?? (models ? 1 : 0.25)) * 1000 };
}

export async function runBench(req: BenchRequest, registry: Readonly<Record<string, AnyModel>>, progressStream?: NodeJS.WriteStream): Promise<BenchRun> {
  const t0 = now();
  const notes: string[] = [];
  checkRequest(req, registry);
  if (req.backends) pickBackends(req.backends, notes); // unknown names fail before anything starts
  await startAsyncBackends(req.backends);
  const backends = pickBackends(req.backends, notes);
  const planned = plan(req, registry, backends);
  applyThreads(req.threads, notes);
  const times = timingDefaults(req);
  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    controller.abort();
    process.stderr.write('\nzoo bench: interrupted; finishing the current sample and writing partial results (Ctrl-C again to quit now)\n');
  };
  process.on('SIGINT', onSigint);
  const progress = createProgress(planned.length, times.warmupMs + times.maxTimeMs * (req.repeatAA ? 2 : 1), progressStream);
  try {
    for (const n of notes) progress.note(`zoo bench: ${n}`);
    const limits = req.limits ? await measureLimits(limitTargets(backends)) : skippedLimits();
    const records = await runAll(planned, limits, { ...times, targetSpread: req.targetSpread, repeatAA: req.repeatAA, seed: req.seed, signal: controller.signal }, progress);
    progress.finish();
    const file = resultsFile(req, backends, limits, records, controller.signal.aborted, (now() - t0) / 1000);
    writeJsonAtomic(req.json, file);
    return { file, path: req.json, interrupted: controller.signal.aborted, notes };
  } finally {
    process.off('SIGINT', onSigint);
  }
}

function applyThreads(threads: number | undefined, notes: string[]): void {
  if (threads === undefined) return;
  if (!backendNames().includes('native') || !backendStatus('native').available) {
    notes.push(`--threads ${threads}: ignored (the native backend is unavailable)`);
    return;
  }
  const r = setThreads(getBackend('native'), threads);
  if (typeof r === 'string') notes.push(`--threads ${threads}: ignored (${r})`);
  else if (r !== threads) notes.push(`--threads ${threads}: the native pool uses ${r} threads`);
}

function limitTargets(backends: string[]): { native: Backend | null; devices: Backend[] } {
  const avail = (n: string) => backendNames().includes(n) && backendStatus(n).available;
  const devices = backends.filter((b) => avail(b) && !getBackend(b).syncRead).map((b) => getBackend(b));
  return { native: avail('native') ? getBackend('native') : null, devices };
}

async function runAll(planned: Planned[], limits: MachineLimits, timing: TimingOptions, progress: Progress): Promise<BenchRecord[]> {
  const records: BenchRecord[] = [];
  for (const [i, p] of planned.entries()) {
    if (timing.signal?.aborted) break;
    progress.start(i, p.label);
    const r = await p.run(limits, { ...timing, onProgress: (f, phase) => progress.update(f, phase) });
    records.push(r);
    progress.done(oneLine(r));
  }
  return records;
}

function resultsFile(req: BenchRequest, backends: string[], limits: MachineLimits, records: BenchRecord[], partial: boolean, seconds: number): BenchResultsFile {
  const t = timingDefaults(req);
  const count = (s: string) => records.filter((r) => r.status === s).length;
  return {
    schema: BENCH_SCHEMA, version: BENCH_VERSION, kind: 'bench', partial,
    environment: environment(),
    backends: backendInfos(backends),
    config: {
      models: req.models, ops: req.ops, backends, modes: req.models.length ? req.modes : [], preset: req.preset,
      batch: req.batch ?? null, seq: req.seq ?? null, shapes: req.shapes ?? null, attrs: req.attrs ?? null, dtype: req.dtype,
      threads: req.threads ?? null, minTimeS: t.minTimeMs / 1000, maxTimeS: t.maxTimeMs / 1000, warmupS: t.warmupMs / 1000,
      targetSpread: req.targetSpread, repeatAA: req.repeatAA, seed: req.seed,
    },
    limits,
    benchmarks: records,
    summary: { benchmarks: records.length, ok: count('ok') + count('partial'), failed: count('failed'), skipped: count('skipped'), seconds },
  };
}
