// `zoo bench --suite gemm`: the native sgemm (matmul on the native backend) on the shapes issue 4
// tracks: 1024³ on all threads and on 1 thread, and a transformer block's projections at
// (B·T = 1024, C = 256) in the forward layout (x·Wᵀ) and the weight-gradient layout (dYᵀ·x). Each
// case runs as an ordinary op benchmark (validated against ref, adaptive sampling, CI), with the
// native pool set to its thread count and the FMA peak of that many threads measured immediately
// before it, so its % of peak is against the peak of the threads it actually used.
import { getBackend, type Backend } from '../../../engine/index.js';
import type { MatmulAttrs } from '../../../engine/ops/linalg/matmul.js';
import type { BenchRecord, MachineLimits } from '../../../reports/schema.js';
import { table } from '../../../cli/util.js';
import { setThreads, threadsOf } from './hooks.js';
import { cpuPeak } from './limits.js';
import { runOpBench } from './op.js';
import type { TimingOptions } from './record.js';

export interface GemmCase {
  label: string;
  /** matmul input shapes: a, b. */
  shapes: number[][];
  attrs: MatmulAttrs;
  /** Pool threads for this case; null: the pool as configured (all cores, or --threads). */
  threads: number | null;
}

export const GEMM_SUITE: readonly GemmCase[] = [
  { label: '1024³', shapes: [[1024, 1024], [1024, 1024]], attrs: {}, threads: null },
  { label: '1024³, 1 thread', shapes: [[1024, 1024], [1024, 1024]], attrs: {}, threads: 1 },
  { label: 'x·Wᵀ, C → 3C (qkv)', shapes: [[1024, 256], [768, 256]], attrs: { transB: true }, threads: null },
  { label: 'x·Wᵀ, 4C → C (mlp out)', shapes: [[1024, 1024], [256, 1024]], attrs: { transB: true }, threads: null },
  { label: 'dW = dYᵀ·x, C → 3C', shapes: [[1024, 768], [1024, 256]], attrs: { transA: true }, threads: null },
  { label: 'dW = dYᵀ·x, 4C → C', shapes: [[1024, 256], [1024, 1024]], attrs: { transA: true }, threads: null },
];

/** M, K, N of a case (the matmul attrs' transposes applied). */
export function gemmDims(c: GemmCase): [number, number, number] {
  const [a, b] = c.shapes as [number[], number[]];
  const [M, K] = c.attrs.transA ? [a[1]!, a[0]!] : [a[0]!, a[1]!];
  return [M, K, c.attrs.transB ? b[0]! : b[1]!];
}

/** One case: threads set, the peak of that many threads measured, the op benchmark, threads restored. */
export async function runGemmCase(c: GemmCase, limits: MachineLimits, timing: TimingOptions, seed: number, backendName = 'native'): Promise<BenchRecord> {
  let native: Backend | null = null;
  try {
    native = getBackend(backendName);
  } catch {
    native = null; // unavailable: runOpBench records it as skipped
  }
  const before = native ? threadsOf(native) : null;
  if (native && c.threads !== null) setThreads(native, c.threads);
  try {
    const threads = native ? threadsOf(native) : null;
    const peak = native && threads ? cpuPeak(native, threads) : limits.cpu.peakFlops;
    const own: MachineLimits = { ...limits, cpu: { ...limits.cpu, peakFlops: peak } };
    const rec = await runOpBench({ op: 'matmul', shapes: c.shapes, attrs: c.attrs, dtype: 'float32', backend: backendName, seed }, own, timing);
    const note = peak.value ? `${c.label}: % of the FMA peak of ${threads} thread${threads === 1 ? '' : 's'} measured just before (${(peak.value / 1e9).toPrecision(3)} GFLOP/s)` : null;
    return note && !rec.note ? { ...rec, note } : rec;
  } finally {
    if (native && before !== null && c.threads !== null) setThreads(native, before);
  }
}

/** The GEMM table: case, M×K×N, threads, median, GFLOP/s, the peak it is measured against and the fraction. */
export function formatGemm(cases: readonly GemmCase[], rs: readonly BenchRecord[]): string {
  return table(
    ['case', 'M×K×N', 'threads', 'median', 'GFLOP/s', 'peak GFLOP/s', '% peak', 'status'],
    rs.map((r, i) => {
      const c = cases[i]!;
      const g = r.achieved?.gflops ?? null, f = r.achieved?.fractionOfPeak ?? null;
      return [
        c.label, gemmDims(c).join('×'), r.threads !== null ? String(r.threads) : '-',
        r.summary ? `${r.summary.median.toPrecision(3)} ms` : '-',
        g !== null ? g.toPrecision(3) : '-',
        g !== null && f ? (g / f).toPrecision(3) : '-',
        f !== null ? `${(100 * f).toFixed(1)}%` : '-',
        r.status,
      ];
    }),
  );
}
