// Results file schemas. Every file carries `schema` and `version`; readers reject other versions.
import type { Environment } from '../suites/harness/env.js';

export const CHECK_SCHEMA = 'zoo.check';
export const CHECK_VERSION = 1;

/** One op's gradient check on one backend. */
export interface OpCheckRecord {
  op: string;
  family: string;
  backend: string;
  runs: number;
  passed: boolean;
  differentiable: boolean;
  secondOrderChecked: boolean;
  /** Worst relative error of analytic vs finite-difference derivatives (first and second order). */
  worstFirstOrder: number;
  worstSecondOrder: number;
  /** Relative-error budget the comparisons were held to. */
  tolerance: number;
  failure?: { message: string; seed: number; path: string; counterexample: string };
}

export interface CheckResultsFile {
  schema: typeof CHECK_SCHEMA;
  version: typeof CHECK_VERSION;
  kind: 'gradcheck';
  environment: Environment;
  config: { backend: string; seed: number; runs: number; ops: string[] };
  results: OpCheckRecord[];
  summary: { ops: number; passed: number; failed: number; seconds: number };
}

// ---------------------------------------------------------------------------------------------
// zoo.bench version 1: one file per `zoo bench` run (reports/README.md documents every field).
// Times are milliseconds, sizes bytes, rates per second. Absent measurements are null, never guessed.

export const BENCH_SCHEMA = 'zoo.bench';
export const BENCH_VERSION = 1;

/** A measured rate: the best of `runs` repeats (its value) and every repeat, or why there is none. */
export interface LimitMeasurement {
  /** FLOP/s or bytes/s; null when unavailable. */
  value: number | null;
  /** How it was measured (e.g. 'native fmaPeak, 2 threads', 'TypedArray.prototype.set, 256 MiB, 1 thread'). */
  method: string;
  runs: number[];
  /** Why there is no value (e.g. 'unavailable (native backend missing)'). */
  unavailable?: string;
}

/** The machine's own limits, measured by the harness at the start of the run. */
export interface MachineLimits {
  cpu: {
    /** Register-only FMA loop on all cores (native code only). */
    peakFlops: LimitMeasurement;
    /** Streaming copy over a large buffer; counts bytes read plus bytes written. */
    bandwidth: LimitMeasurement;
    /** The same triad over a 1 MiB working set (L2-resident): the bound of kernels whose data is in cache. Absent in older files. */
    cacheBandwidth?: LimitMeasurement;
    caches: { l2Bytes: number | null; l3Bytes: number | null };
  };
  /** Per accelerated device backend (webgpu): a large matmul and a copy kernel through the engine. */
  devices: Record<string, { peakFlops: LimitMeasurement; bandwidth: LimitMeasurement }>;
}

export interface BackendInfo {
  name: string;
  available: boolean;
  reason?: string;
  /** Native thread pool size in use (null when the backend has no pool or does not say). */
  threads: number | null;
  /** Whatever the backend reports about itself (ISA, adapter info, limits). */
  details: Record<string, unknown>;
}

export interface SampleSummary {
  n: number;
  median: number;
  /** Percentile-bootstrap interval of the median (seeded Philox resampling). */
  ci: [number, number];
  ciLevel: number;
  p10: number;
  p50: number;
  p90: number;
  p99: number;
  mean: number;
  min: number;
  max: number;
  /** (p75 - p25) / median: the spread the adaptive stopper watches. */
  relSpread: number;
}

export type BenchMode = 'train' | 'infer' | 'decode' | 'op';
export type BenchStatus = 'ok' | 'failed' | 'skipped' | 'partial';

export interface ValidationRecord {
  /** 'passed'/'failed' against ref; 'oracle' when the backend is ref itself; 'skipped' with a note. */
  status: 'passed' | 'failed' | 'oracle' | 'skipped';
  /** Worst normalized error observed and the budget it was held to. */
  error: number | null;
  tolerance: number;
  /** What was compared (e.g. 'loss and every parameter gradient at batch 1 of 8'). */
  compared: string;
  /** Batch used for the comparison when reduced from the benchmarked one. */
  batch?: { used: number; benchmarked: number };
  detail?: string;
}

export interface RooflineRecord {
  /** FLOPs per byte of the benchmarked computation (op cost metadata; models: metered op costs). */
  intensity: number | null;
  /** Peak FLOP/s over bandwidth of the backend's device (null when either limit is unavailable). */
  ridge: number | null;
  bound: 'compute' | 'memory' | 'unknown';
}

export interface BenchRecord {
  /** Match key used by `zoo compare` (kind, name, preset, mode, backend, shapes, attrs, batch, seq). */
  key: string;
  kind: 'model' | 'op';
  name: string;
  backend: string;
  mode: BenchMode;
  status: BenchStatus;
  /** Why it failed or was skipped, or what to know about it. */
  note?: string;
  /** Models: preset, batch and sequence length actually used; ops: input shapes, attrs and dtype. */
  preset?: string;
  batch?: number | null;
  seq?: number | null;
  shapes?: number[][];
  attrs?: unknown;
  dtype: string;
  threads: number | null;
  validation: ValidationRecord;
  /** First call: compilation, packing, allocation (wall clock, synchronized). */
  firstRunMs: number | null;
  warmup: { ms: number; iterations: number };
  /** Every timed sample in order, in ms per iteration (ops: mean of a block of `callsPerSample` calls). */
  samplesMs: number[];
  callsPerSample: number;
  /** Ops: distinct input sets rotated through, and their total size. */
  inputSets?: { count: number; bytes: number };
  stoppedBy: 'converged' | 'max-time' | 'max-samples' | 'interrupted' | null;
  summary: SampleSummary | null;
  /**
   * Work per iteration: `flops` analytic (models: model.flops; ops: the op's cost), `meteredFlops`
   * and `bytes` summed from the cost metadata of every kernel one iteration ran (models), and the
   * throughput units (tokens or samples; ops: elements of the first output).
   */
  work: { flops: number | null; meteredFlops: number | null; bytes: number | null; units: number | null; unit: string | null };
  throughput: { perSecond: number; ci: [number, number]; unit: string } | null;
  achieved: { gflops: number | null; gbps: number | null; fractionOfPeak: number | null; fractionOfBandwidth: number | null } | null;
  roofline: RooflineRecord;
  memory: {
    /** Highest process RSS sampled during this benchmark, and the process high-water mark after it. */
    rssPeakBytes: number;
    maxRssBytes: number;
    /** The backend's memory(): lifetime peak after this benchmark, and live bytes before/after. */
    device: { peakBytes: number; liveBytesBefore: number; liveBytesAfter: number } | null;
  };
  /** How iterations were synchronized and timed (wall clock on CPU backends; GPU timestamps when available). */
  sync: { method: string; timestamps: string | null };
  /** webgpu: ms per call from GPU pass timestamps over a few blocks re-run after the wall-clock samples. */
  gpuSamplesMs?: number[];
  /** Ops that ran through their decomposition (backend:op → calls) during one iteration. */
  fallbacks: Record<string, number>;
  /** --repeat-aa: the same benchmark measured again right after; difference = median2 / median - 1. */
  aa?: { samplesMs: number[]; summary: SampleSummary; difference: number };
}

export interface BenchResultsFile {
  schema: typeof BENCH_SCHEMA;
  version: typeof BENCH_VERSION;
  kind: 'bench';
  /** True when the run was interrupted (Ctrl-C): only the benchmarks finished so far are complete. */
  partial: boolean;
  environment: Environment;
  backends: BackendInfo[];
  config: {
    models: string[];
    ops: string[];
    backends: string[];
    modes: string[];
    preset: string;
    batch: number | null;
    seq: number | null;
    shapes: number[][] | null;
    attrs: unknown;
    dtype: string;
    threads: number | null;
    minTimeS: number;
    maxTimeS: number;
    warmupS: number;
    targetSpread: number;
    repeatAA: boolean;
    seed: number;
  };
  limits: MachineLimits;
  benchmarks: BenchRecord[];
  summary: { benchmarks: number; ok: number; failed: number; skipped: number; seconds: number };
}

export const PARITY_SCHEMA = 'zoo.parity';
export const PARITY_VERSION = 1;

/** Worst error / budget of one comparison kind (forward outputs or VJP gradients). */
export interface ParityStatRecord {
  /** max over elements of |backend - oracle| / budget: <= 1 passes. */
  ratio: number;
  /** The absolute error and the budget at that element. */
  error: number;
  budget: number;
}

/** One op's parity on one accelerated backend (suites/harness/parity.ts). */
export interface OpParityRecord {
  op: string;
  family: string;
  backend: string;
  runs: number;
  passed: boolean;
  compared: number;
  skipped: number;
  withSpecials: number;
  excluded: number;
  forward: ParityStatRecord;
  backward: ParityStatRecord | null;
  failure?: { message: string; seed: number; path: string; counterexample: string };
}

export interface ParityResultsFile {
  schema: typeof PARITY_SCHEMA;
  version: typeof PARITY_VERSION;
  kind: 'parity';
  environment: Environment;
  /** The backend's own description (CPU path, threads) and the tolerance constant k. */
  config: { backend: string; backendDetail: string; seed: number; runs: number; ops: string[]; k: number };
  results: OpParityRecord[];
  /** Decomposition fallbacks taken on the backend during the run (engine/dispatch.ts). */
  fallbacks: Record<string, number>;
  summary: { ops: number; passed: number; failed: number; seconds: number };
}

// ---------------------------------------------------------------------------------------------
// zoo.experiment version 1: one file per `zoo experiment` run (reports/README.md documents every
// field). Losses in nats per token; gains are the spec's "Amax gain magnitude"
// (/work/shared/specs/mhc-hc-attention.md §3.1). A value that could not be computed (a run that
// diverged) is null, never guessed.

export const EXPERIMENT_SCHEMA = 'zoo.experiment';
export const EXPERIMENT_VERSION = 1;

/** The residual connection an arm trains with: plain residual, hyper-connections, manifold-constrained HC. */
export type ExperimentArm = 'plain' | 'hc' | 'mhc';

/** Gains of the residual mixing matrices on one fixed sequence (zoo/gpt/hc-diagnostics.ts HcGainReport). */
export interface HcGainRecord {
  residual: ExperimentArm;
  streams: number;
  /** L = 2 · blocks: attention and MLP sublayers in order. */
  sublayers: number;
  kinds: ('attn' | 'mlp')[];
  /** Gains of H_res_l itself, per sublayer (mean over tokens of the per-token gain). */
  single: { fwd: number[]; bwd: number[] };
  /** Gains of P_l = H_res_{L-1} ⋯ H_res_l: per-token (mean), of the token-mean matrix, ∞/1-norms, min column sum. */
  composite: { fwd: number[]; bwd: number[]; fwdOfMean: number[]; bwdOfMean: number[]; infNorm: number[]; oneNorm: number[]; minColSum: number[] };
  /** max over l of composite.fwd / composite.bwd. */
  peak: { fwd: number; bwd: number };
  /** Per sublayer output: max_ij ‖x_i − x_j‖ / ‖x‖ (mean over tokens); 0 for plain. */
  streamDivergence: number[];
}

/** One logged point of a run (every `logEvery` steps, and step 0 before any update). */
export interface ExperimentPoint {
  /** Optimizer steps done. */
  step: number;
  /** Mean training loss of the steps since the previous point (null at step 0). */
  trainLoss: number | null;
  /** Mean loss over the fixed validation batches (eval mode, no gradient). */
  valLoss: number | null;
  /** Global L2 norm of the gradient before clipping: mean and max over the steps since the previous point. */
  gradNorm: number | null;
  gradNormMax: number | null;
  /** Learning rate of the last step of the interval. */
  lr: number | null;
  /** Training tokens per second over the interval (optimizer steps only, evaluation excluded). */
  tokensPerSecond: number | null;
  diagnostics: HcGainRecord;
}

export interface ExperimentRun {
  arm: ExperimentArm;
  seed: number;
  /** Trainable parameters of the arm's model. */
  parameters: number;
  /** Steps done (fewer than configured when interrupted or diverged). */
  stepsDone: number;
  /** First step whose loss was not finite (the run stopped there), else null. */
  divergedAt: number | null;
  seconds: number;
  tokensPerSecond: number;
  /** Training loss and pre-clip global gradient norm of every step. */
  trainLoss: (number | null)[];
  gradNorm: (number | null)[];
  points: ExperimentPoint[];
  finalValLoss: number | null;
}

/** Mean, sample standard deviation, min and max over seeds. */
export interface SeedStats {
  mean: number | null;
  std: number | null;
  min: number | null;
  max: number | null;
  perSeed: (number | null)[];
}

export interface ExperimentArmSummary {
  arm: ExperimentArm;
  runs: number;
  parameters: number;
  finalValLoss: SeedStats;
  /** Over seeds: the largest composite gain (max over sublayers and logged steps), forward and backward. */
  peakFwd: SeedStats;
  peakBwd: SeedStats;
  /** Over seeds: max over sublayers and logged steps of |composite forward gain − 1|. */
  fwdDeviation: SeedStats;
  tokensPerSecond: SeedStats;
}

export type ExperimentClaimId = 'mhc-forward-gain' | 'hc-peak-above-mhc' | 'mhc-val-loss';

/** One acceptance check of the issue, computed from the runs. */
export interface ExperimentClaim {
  id: ExperimentClaimId;
  statement: string;
  passed: boolean;
  /** The figure compared, the bound it was compared with, and the comparison in words. */
  observed: number | null;
  bound: number | null;
  detail: string;
}

export interface ExperimentResultsFile {
  schema: typeof EXPERIMENT_SCHEMA;
  version: typeof EXPERIMENT_VERSION;
  kind: 'experiment';
  experiment: 'mhc';
  /** True when the run was interrupted: only the runs present are complete (the last may be cut short). */
  partial: boolean;
  environment: Environment;
  backend: { name: string; threads: number | null; detail: string };
  config: {
    tier: string;
    steps: number;
    seeds: number[];
    arms: ExperimentArm[];
    logEvery: number;
    /** The gpt configuration of each arm (zoo/gpt/config.ts GptConfig). */
    models: Record<string, Record<string, unknown>>;
    optimizer: { name: string; lr: number; betas: [number, number]; eps: number; weightDecay: number; decayed: string; warmupSteps: number; minLr: number; clipNorm: number };
    data: { corpus: string; valFraction: number; splitSeed: number; valBatches: number; batchSize: number; blockSize: number; order: string };
    diagnostics: { tokens: number; source: string };
    init: string;
  };
  runs: ExperimentRun[];
  summary: { arms: ExperimentArmSummary[]; claims: ExperimentClaim[]; allPassed: boolean; seconds: number };
}
