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
