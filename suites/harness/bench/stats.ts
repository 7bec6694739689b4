// Statistics of benchmark samples: percentiles, spread, a seeded bootstrap confidence interval of
// the median, and the summary every results file carries. Pure functions of the samples (and a
// seed): no clock, no Math.random.
import { PhiloxSource } from '../values.js';
import type { SampleSummary } from '../../../reports/schema.js';

/**
 * The q-quantile (0 <= q <= 1) of sorted values by linear interpolation between closest ranks
 * (Hyndman & Fan type 7, numpy's default): h = (n - 1) q, x[floor h] + (h - floor h)(x[ceil h] - x[floor h]).
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(h), hi = Math.ceil(h);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

export const sortedCopy = (xs: readonly number[]): number[] => [...xs].sort((a, b) => a - b);

export function quantile(xs: readonly number[], q: number): number {
  return quantileSorted(sortedCopy(xs), q);
}

export const median = (xs: readonly number[]): number => quantile(xs, 0.5);

/** Relative spread: interquartile range over the median (torch.utils.benchmark's stopping statistic). */
export function relativeSpread(xs: readonly number[]): number {
  const s = sortedCopy(xs);
  const m = quantileSorted(s, 0.5);
  return m > 0 ? (quantileSorted(s, 0.75) - quantileSorted(s, 0.25)) / m : Infinity;
}

/** k-th smallest (0-based) of a[0..n) by quickselect; reorders `a`. */
function select(a: Float64Array, n: number, k: number): number {
  let lo = 0, hi = n - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >>> 1]!;
    let i = lo, j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!; a[i] = a[j]!; a[j] = t;
        i++; j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k]!;
  }
  return a[k]!;
}

/** Median of a[0..n) (type 7: mean of the two middle values for even n); reorders `a`. */
function medianInPlace(a: Float64Array, n: number): number {
  const mid = (n - 1) / 2;
  const lo = select(a, n, Math.floor(mid));
  if (Number.isInteger(mid)) return lo;
  let hi = Infinity;
  for (let i = Math.floor(mid) + 1; i < n; i++) if (a[i]! < hi) hi = a[i]!;
  return (lo + hi) / 2;
}

export interface BootstrapOptions {
  /** Resamples (default 2000). */
  resamples?: number;
  /** Confidence level (default 0.95). */
  level?: number;
  seed?: number;
}

/**
 * Percentile-bootstrap confidence interval of the median (Efron & Tibshirani 1993, §13.3): draw
 * `resamples` samples of size n with replacement from the Philox stream of `seed`, take each
 * one's median, and return the (1 - level)/2 and (1 + level)/2 quantiles of those medians.
 * NOTE: the interval is widened to contain the sample median itself, which the percentile
 * bootstrap of a median almost always does anyway (its distribution sits on the middle order
 * statistics); with fewer than 2 samples it is [x, x].
 */
export function bootstrapMedianCI(xs: readonly number[], opts: BootstrapOptions = {}): [number, number] {
  const n = xs.length;
  if (n === 0) return [NaN, NaN];
  const m = median(xs);
  if (n < 2) return [m, m];
  const B = opts.resamples ?? 2000, level = opts.level ?? 0.95;
  const src = new PhiloxSource(opts.seed ?? 0);
  const buf = new Float64Array(n);
  const medians: number[] = new Array(B);
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < n; i++) buf[i] = xs[src.int(0, n)]!;
    medians[b] = medianInPlace(buf, n);
  }
  const s = sortedCopy(medians);
  return [Math.min(m, quantileSorted(s, (1 - level) / 2)), Math.max(m, quantileSorted(s, (1 + level) / 2))];
}

/** Summary statistics of latency samples (any unit; results files use milliseconds). */
export type Summary = SampleSummary;

export function summarize(xs: readonly number[], seed = 0, level = 0.95): Summary {
  const s = sortedCopy(xs);
  const q = (p: number) => quantileSorted(s, p);
  const m = q(0.5);
  return {
    n: s.length,
    median: m,
    ci: bootstrapMedianCI(xs, { seed, level }),
    ciLevel: level,
    p10: q(0.1),
    p50: m,
    p90: q(0.9),
    p99: q(0.99),
    mean: s.length ? s.reduce((a, b) => a + b, 0) / s.length : NaN,
    min: s.length ? s[0]! : NaN,
    max: s.length ? s[s.length - 1]! : NaN,
    relSpread: s.length ? relativeSpread(s) : NaN,
  };
}
