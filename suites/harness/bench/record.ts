// What every benchmark does once its subject is built and validated: warm-up by duration, adaptive
// sampling (twice back to back with --repeat-aa), peak RSS tracking, and the derived figures of the
// record (throughput with its interval, achieved GFLOP/s and GB/s, fractions of peak, roofline).
import { backendStatus, type Backend } from '../../../engine/index.js';
import type { BenchRecord, MachineLimits, SampleSummary, ValidationRecord } from '../../../reports/schema.js';
import { gpuTimer, type GpuTimer } from './hooks.js';
import { limitsFor, roofline } from './limits.js';
import { adaptiveSample, warmup, type Round, type StopReason } from './sampling.js';
import { summarize } from './stats.js';

export interface TimingOptions {
  minTimeMs: number;
  maxTimeMs: number;
  warmupMs: number;
  targetSpread: number;
  repeatAA: boolean;
  /** Seed of the bootstrap resampling. */
  seed: number;
  signal?: AbortSignal;
  /** Progress within this benchmark, 0..1, and what it is doing. */
  onProgress?: (fraction: number, phase: string) => void;
}

export interface Sampler {
  round: Round;
  callsPerSample: number;
  roundMs: number;
  /** One sample's worth of calls, synchronized (timed again with GPU timestamps where available); `before` runs untimed first. */
  block: () => Promise<void>;
  before?: () => Promise<void>;
}

export interface Subject {
  /** One synchronized iteration (used for warm-up and calibration). */
  iteration(): Promise<void>;
  /** The first warm-up iteration instead of `iteration` (models: the metered one). */
  firstWarmup?: () => Promise<void>;
  /** The sampling round for a warm per-iteration time: calls per sample and round length. */
  sampler(perIterationMs: number): Sampler;
  /** GPU pass timestamps of the backend, if any, and how many passes one call may record. */
  gpu?: { timer: GpuTimer; passesPerCall: number };
}

/** The subject's `gpu` field for a backend with GPU timestamps (spread into a Subject). */
export function gpuOf(backend: Backend, passesPerCall: number): Pick<Subject, 'gpu'> {
  const timer = gpuTimer(backend);
  return timer ? { gpu: { timer, passesPerCall } } : {};
}

/** Blocks re-timed with GPU timestamps after the wall-clock samples. */
const GPU_BLOCKS = 10;
/** WebGPU query sets hold at most 4096 timestamps: two per pass. */
const MAX_TIMED_PASSES = 2048;

/** ms per call from GPU timestamps over a few blocks; blocks whose passes overflowed are dropped. */
async function gpuSamples(s: Sampler, gpu: NonNullable<Subject['gpu']>, signal?: AbortSignal): Promise<number[]> {
  const out: number[] = [];
  for (let k = 0; k < GPU_BLOCKS && !signal?.aborted; k++) {
    await s.before?.();
    if (!gpu.timer.begin(Math.min(MAX_TIMED_PASSES, gpu.passesPerCall * s.callsPerSample))) break;
    await s.block();
    const ns = await gpu.timer.end();
    if (ns !== null) out.push(ns / 1e6 / s.callsPerSample);
  }
  return out;
}

export interface Timing {
  warmup: { ms: number; iterations: number };
  samplesMs: number[];
  callsPerSample: number;
  stoppedBy: StopReason;
  summary: SampleSummary | null;
  rssPeakBytes: number;
  aa?: { samplesMs: number[]; summary: SampleSummary; difference: number };
  gpuSamplesMs?: number[];
}

export async function timeSubject(s: Subject, o: TimingOptions): Promise<Timing> {
  let rss = process.memoryUsage.rss();
  const track = () => {
    rss = Math.max(rss, process.memoryUsage.rss());
  };
  o.onProgress?.(0, 'warm-up');
  const w = await warmup(async (i) => {
    await (i === 0 && s.firstWarmup ? s.firstWarmup() : s.iteration());
    track();
  }, o.warmupMs, o.signal);
  const sampler = s.sampler(w.ms / w.iterations);
  const { round, callsPerSample, roundMs } = sampler;
  const passes = o.repeatAA ? 2 : 1;
  const sample = (pass: number) => adaptiveSample(round, {
    minTimeMs: o.minTimeMs, maxTimeMs: o.maxTimeMs, targetSpread: o.targetSpread, roundMs, ...(o.signal ? { signal: o.signal } : {}),
    onRound: (_, elapsed) => {
      track();
      o.onProgress?.((pass + Math.min(1, elapsed / o.maxTimeMs)) / passes, pass ? 'A/A repeat' : 'sampling');
    },
  });
  const a = await sample(0);
  const timing: Timing = {
    warmup: w, samplesMs: a.samples, callsPerSample, stoppedBy: a.stoppedBy,
    summary: a.samples.length ? summarize(a.samples, o.seed) : null, rssPeakBytes: rss,
  };
  if (o.repeatAA && a.stoppedBy !== 'interrupted' && timing.summary) {
    const b = await sample(1);
    if (b.samples.length && b.stoppedBy !== 'interrupted') {
      const sb = summarize(b.samples, o.seed + 1);
      timing.aa = { samplesMs: b.samples, summary: sb, difference: sb.median / timing.summary.median - 1 };
    }
  }
  if (s.gpu && a.stoppedBy !== 'interrupted') {
    o.onProgress?.(1, 'GPU timestamps');
    const g = await gpuSamples(sampler, s.gpu, o.signal);
    if (g.length) timing.gpuSamplesMs = g;
  }
  timing.rssPeakBytes = rss;
  return timing;
}

export interface Work {
  flops: number | null;
  meteredFlops: number | null;
  bytes: number | null;
  units: number | null;
  unit: string | null;
}

type Base = Pick<BenchRecord, 'key' | 'kind' | 'name' | 'backend' | 'mode' | 'dtype' | 'threads'> & Partial<BenchRecord>;

/** The record of a benchmark on a backend that cannot load (its reason is the note). */
export function unavailableRecord(base: Base): BenchRecord | null {
  const st = backendStatus(base.backend);
  if (st.available) return null;
  const why = `backend ${base.backend} is unavailable: ${st.reason ?? 'unknown reason'}`;
  return emptyRecord(base, 'skipped', why, { status: 'skipped', error: null, tolerance: 0, compared: 'nothing' }, { method: 'none', timestamps: null });
}

/** A record with no measurements (failed validation, skipped mode, error before timing). */
export function emptyRecord(base: Base, status: 'failed' | 'skipped', note: string, validation: ValidationRecord, sync: BenchRecord['sync']): BenchRecord {
  return {
    ...base, status, note, validation, firstRunMs: null, warmup: { ms: 0, iterations: 0 }, samplesMs: [], callsPerSample: 0,
    stoppedBy: null, summary: null, work: { flops: null, meteredFlops: null, bytes: null, units: null, unit: null }, throughput: null,
    achieved: null, roofline: { intensity: null, ridge: null, bound: 'unknown' },
    memory: { rssPeakBytes: process.memoryUsage.rss(), maxRssBytes: process.resourceUsage().maxRSS * 1024, device: null },
    sync, fallbacks: {},
  };
}

export interface Measured {
  validation: ValidationRecord;
  firstRunMs: number;
  timing: Timing;
  work: Work;
  fallbacks: Record<string, number>;
  sync: BenchRecord['sync'];
  device: { liveBytesBefore: number; backend: Backend };
  inputSets?: { count: number; bytes: number };
  /** The data stays in cache (one input set): fractions of bandwidth are of the in-cache bound. */
  inCache?: boolean;
  note?: string;
}

/** The complete record: derived rates from the median (and its interval) and the machine limits. */
export function measuredRecord(base: Base, m: Measured, limits: MachineLimits): BenchRecord {
  const { timing: t, work } = m;
  const s = t.summary;
  const sec = s ? s.median / 1000 : null;
  const rate = (x: number | null) => (x !== null && sec ? x / sec : null);
  const lim = limitsFor(limits, base.backend, m.inCache);
  const flopRate = rate(work.flops), byteRate = rate(work.bytes);
  const mem = m.device.backend.memory();
  return {
    ...base,
    status: t.stoppedBy === 'interrupted' ? 'partial' : 'ok',
    ...(m.note ? { note: m.note } : {}),
    validation: m.validation,
    firstRunMs: m.firstRunMs,
    warmup: t.warmup,
    samplesMs: t.samplesMs,
    callsPerSample: t.callsPerSample,
    ...(m.inputSets ? { inputSets: m.inputSets } : {}),
    stoppedBy: t.stoppedBy,
    summary: s,
    work,
    throughput: s && work.units !== null && work.unit !== null
      ? { perSecond: work.units / (s.median / 1000), ci: [work.units / (s.ci[1] / 1000), work.units / (s.ci[0] / 1000)], unit: `${work.unit}/s` }
      : null,
    achieved: s ? {
      gflops: flopRate === null ? null : flopRate / 1e9,
      gbps: byteRate === null ? null : byteRate / 1e9,
      fractionOfPeak: flopRate !== null && lim.peak ? flopRate / lim.peak : null,
      fractionOfBandwidth: byteRate !== null && lim.bandwidth ? byteRate / lim.bandwidth : null,
    } : null,
    roofline: roofline(work.meteredFlops ?? work.flops, work.bytes, lim),
    memory: {
      rssPeakBytes: t.rssPeakBytes,
      maxRssBytes: process.resourceUsage().maxRSS * 1024,
      device: { peakBytes: mem.peakBytes, liveBytesBefore: m.device.liveBytesBefore, liveBytesAfter: mem.liveBytes },
    },
    sync: t.gpuSamplesMs ? { ...m.sync, timestamps: gpuNote(t.gpuSamplesMs, t.callsPerSample) } : m.sync,
    ...(t.gpuSamplesMs ? { gpuSamplesMs: t.gpuSamplesMs } : {}),
    fallbacks: m.fallbacks,
    ...(t.aa ? { aa: t.aa } : {}),
  };
}

/** Live device bytes after the benchmark released its tensors (call after cleanup). */
export function settleMemory(r: BenchRecord, backend: Backend): BenchRecord {
  if (r.memory.device) r.memory.device.liveBytesAfter = backend.memory().liveBytes;
  return r;
}

function gpuNote(samples: number[], calls: number): string {
  const med = summarize(samples).median;
  return `GPU timestamps: median ${med.toPrecision(4)} ms per call over ${samples.length} blocks of ${calls} (first pass start to last pass end; gpuSamplesMs)`;
}

/** backend:op → calls that ran through a decomposition between two snapshots of fallbackCounts(). */
export function fallbackDiff(before: ReadonlyMap<string, number>, after: ReadonlyMap<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of after) {
    const d = v - (before.get(k) ?? 0);
    if (d > 0) out[k] = d;
  }
  return out;
}
