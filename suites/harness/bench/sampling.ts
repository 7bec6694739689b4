// Timing: first run, warm-up by duration, and adaptive sampling that stops when the relative spread
// of the samples is small or a time budget is spent (torch.utils.benchmark's adaptive_autorange:
// measure in rounds; stop once IQR/median <= threshold after the minimum time, or at the maximum).
// Op benchmarks run each round through tinybench (a block of calls per sample); model steps are
// long (milliseconds to seconds), so a round is a single timed step.
import { Bench } from 'tinybench';
import { relativeSpread } from './stats.js';

/** Monotonic wall clock in milliseconds (high resolution). */
export const now = (): number => Number(process.hrtime.bigint()) / 1e6;

/** Lets signal handlers (Ctrl-C) and timers run between samples; never inside a timed region. */
export const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export interface SamplingOptions {
  /** Keep sampling at least this long (ms) before the spread may stop it. */
  minTimeMs: number;
  /** Stop after this long (ms) whatever the spread. */
  maxTimeMs: number;
  /** Stop once (p75 - p25) / median <= targetSpread (default 0.05). */
  targetSpread?: number;
  /** Never stop on spread with fewer samples than this (default 5). */
  minSamples?: number;
  /** Hard cap on samples (default 100000). */
  maxSamples?: number;
  /** Length of one round (ms): the stopping rule is checked between rounds (default 0: one sample per round). */
  roundMs?: number;
  signal?: AbortSignal;
  /** Called after each round (outside the timed region). */
  onRound?: (samples: readonly number[], elapsedMs: number) => void;
}

export type StopReason = 'converged' | 'max-time' | 'max-samples' | 'interrupted';

/**
 * The maximum time stops sampling once this many samples are in (an interval needs a few), or at
 * MAX_TIME_OVERRUN × the maximum time whatever the count.
 */
export const FLOOR_SAMPLES = 3;
export const MAX_TIME_OVERRUN = 3;

/** One round: runs for about `budgetMs` (at least one sample) and returns latencies in ms, in order. */
export type Round = (budgetMs: number) => Promise<number[]>;

export interface Sampled {
  samples: number[];
  stoppedBy: StopReason;
  elapsedMs: number;
}

/** The adaptive stopping rule, separate from any clock so it can be tested on its own. */
export function stopReason(samples: readonly number[], elapsedMs: number, o: SamplingOptions): StopReason | null {
  if (o.signal?.aborted) return 'interrupted';
  const minSamples = o.minSamples ?? 5;
  if (samples.length >= (o.maxSamples ?? 100_000)) return 'max-samples';
  const floor = Math.min(FLOOR_SAMPLES, o.maxSamples ?? FLOOR_SAMPLES);
  if (samples.length >= 1 && elapsedMs >= o.maxTimeMs && (samples.length >= floor || elapsedMs >= MAX_TIME_OVERRUN * o.maxTimeMs)) return 'max-time';
  if (samples.length >= minSamples && elapsedMs >= o.minTimeMs && relativeSpread(samples) <= (o.targetSpread ?? 0.05)) return 'converged';
  return null;
}

export async function adaptiveSample(round: Round, o: SamplingOptions): Promise<Sampled> {
  const samples: number[] = [];
  const t0 = now();
  for (;;) {
    const elapsed = now() - t0;
    const reason = stopReason(samples, elapsed, o);
    if (reason) return { samples, stoppedBy: reason, elapsedMs: elapsed };
    const budget = Math.max(0, Math.min(o.roundMs ?? 0, o.maxTimeMs - elapsed));
    // NOTE: past the maximum time (too few samples yet) each round is a single sample.
    samples.push(...(await round(budget)));
    o.onRound?.(samples, now() - t0);
    await yieldToEventLoop();
  }
}

/** Runs `step(i)` for about `durationMs` (at least once); returns iterations and time spent. */
export async function warmup(step: (i: number) => Promise<void>, durationMs: number, signal?: AbortSignal): Promise<{ ms: number; iterations: number }> {
  const t0 = now();
  let iterations = 0;
  do {
    await step(iterations);
    iterations++;
    await yieldToEventLoop();
  } while (now() - t0 < durationMs && !signal?.aborted);
  return { ms: now() - t0, iterations };
}

/** Wall time of one call of `step` (ms). */
export async function timeOnce(step: () => Promise<void>): Promise<number> {
  const t0 = now();
  await step();
  return now() - t0;
}

/** A round of single timed steps until `budgetMs` is spent (models); `before` runs untimed before each. */
export function stepRound(step: () => Promise<void>, before?: () => Promise<void>): Round {
  return async (budgetMs) => {
    const out: number[] = [];
    const t0 = now();
    do {
      await before?.();
      const t = now();
      await step();
      out.push(now() - t);
    } while (now() - t0 < budgetMs);
    return out;
  };
}

/**
 * A round driven by tinybench (ops): each tinybench iteration runs `block` (which makes
 * `callsPerBlock` calls and synchronizes) and reports the mean per call through tinybench's
 * overriddenDuration, the whole block as overriddenIterationCost so the time budget is honest.
 * Samples are collected in order here (tinybench keeps them sorted).
 */
export function tinybenchRound(block: () => Promise<void>, callsPerBlock: number): Round {
  return async (budgetMs) => {
    const out: number[] = [];
    const bench = new Bench({ time: budgetMs, iterations: 1, warmup: false, throws: true, now });
    bench.add('block', async () => {
      const t = now();
      await block();
      const dt = now() - t;
      out.push(dt / callsPerBlock);
      return { overriddenDuration: dt / callsPerBlock, overriddenIterationCost: dt };
    });
    await bench.run();
    return out;
  };
}
