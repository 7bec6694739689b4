// Human-readable summaries of bench results: the machine limits and one table row per benchmark.
import { table } from '../../../cli/util.js';
import type { BenchRecord, LimitMeasurement, MachineLimits } from '../../../reports/schema.js';

const SI = (x: number): string => {
  const a = Math.abs(x);
  if (a >= 1e9) return `${(x / 1e9).toPrecision(3)}G`;
  if (a >= 1e6) return `${(x / 1e6).toPrecision(3)}M`;
  if (a >= 1e4) return `${(x / 1e3).toPrecision(3)}k`;
  return a >= 1000 ? x.toFixed(0) : x.toPrecision(3);
};
export const fmtMs = (ms: number): string => (ms >= 1000 ? `${(ms / 1000).toPrecision(3)} s` : ms >= 1 ? `${ms.toPrecision(3)} ms` : `${(ms * 1000).toPrecision(3)} µs`);
const fmtBytes = (b: number): string => (b >= 2 ** 30 ? `${(b / 2 ** 30).toFixed(2)} GiB` : `${(b / 2 ** 20).toFixed(1)} MiB`);
const pct = (x: number | null | undefined): string => (x === null || x === undefined ? '-' : `${(100 * x).toPrecision(3)}%`);

function limitLine(name: string, l: LimitMeasurement, unit: 'GFLOP/s' | 'GB/s'): string {
  if (l.value === null) return `${name}: ${l.unavailable ?? 'unavailable'}`;
  return `${name}: ${(l.value / 1e9).toPrecision(3)} ${unit} (${l.method})`;
}

export function formatLimits(l: MachineLimits): string {
  const lines = [limitLine('cpu peak', l.cpu.peakFlops, 'GFLOP/s'), limitLine('cpu bandwidth', l.cpu.bandwidth, 'GB/s')];
  if (l.cpu.cacheBandwidth) lines.push(limitLine('cpu in-cache bandwidth', l.cpu.cacheBandwidth, 'GB/s'));
  if (l.cpu.peakFlops.value && l.cpu.bandwidth.value) lines.push(`cpu ridge point: ${(l.cpu.peakFlops.value / l.cpu.bandwidth.value).toPrecision(3)} FLOP/byte`);
  for (const [name, d] of Object.entries(l.devices)) {
    lines.push(limitLine(`${name} peak`, d.peakFlops, 'GFLOP/s'), limitLine(`${name} bandwidth`, d.bandwidth, 'GB/s'));
  }
  return lines.join('\n');
}

/** "median [lo, hi]" of a rate or a time. */
const withCi = (v: number, ci: [number, number], f: (x: number) => string) => `${f(v)} [${f(ci[0])}, ${f(ci[1])}]`;

/** The roofline verdict with the arithmetic intensity it came from. */
const bound = (r: BenchRecord): string =>
  r.roofline.intensity !== null ? `${r.roofline.bound} (${r.roofline.intensity.toPrecision(2)} F/B)` : r.roofline.bound;

export function statusOf(r: BenchRecord): string {
  if (r.status === 'ok') return r.stoppedBy === 'converged' ? 'ok' : `ok (${r.stoppedBy})`;
  return r.status;
}

/** One line per benchmark for the progress log. */
export function oneLine(r: BenchRecord): string {
  const what = r.kind === 'model' ? `${r.name} ${r.mode} on ${r.backend}` : `${r.name} ${r.shapes!.map((s) => s.join('x')).join(',')} on ${r.backend}`;
  if (!r.summary) return `${what}: ${r.status}${r.note ? ` (${r.note})` : ''}`;
  const tp = r.throughput ? `, ${SI(r.throughput.perSecond)} ${r.throughput.unit}` : '';
  return `${what}: ${fmtMs(r.summary.median)} median of ${r.summary.n}${tp}`;
}

export function formatModels(rs: readonly BenchRecord[]): string {
  return table(
    ['model', 'backend', 'mode', 'throughput [95% CI]', 'latency p50 (p10-p90)', 'GFLOP/s', 'MFU', 'bound', 'first run', 'peak RSS', 'device peak', 'status'],
    rs.map((r) => [
      r.name, r.backend, r.mode,
      r.throughput ? `${withCi(r.throughput.perSecond, r.throughput.ci, SI)} ${r.throughput.unit}` : '-',
      r.summary ? `${fmtMs(r.summary.p50)} (${fmtMs(r.summary.p10)}-${fmtMs(r.summary.p90)})` : '-',
      r.achieved?.gflops != null ? r.achieved.gflops.toPrecision(3) : '-',
      pct(r.achieved?.fractionOfPeak),
      bound(r),
      r.firstRunMs !== null ? fmtMs(r.firstRunMs) : '-',
      fmtBytes(r.memory.rssPeakBytes),
      r.memory.device ? fmtBytes(r.memory.device.peakBytes) : '-',
      statusOf(r),
    ]),
  );
}

export function formatOps(rs: readonly BenchRecord[]): string {
  return table(
    ['op', 'shapes', 'backend', 'median [95% CI]', 'p10-p90', 'GFLOP/s', 'GB/s', '% peak', '% bw', 'bound', 'sets', 'first run', 'status'],
    rs.map((r) => [
      r.name, r.shapes!.map((s) => s.join('x') || '()').join(','), r.backend,
      r.summary ? withCi(r.summary.median, r.summary.ci, fmtMs) : '-',
      r.summary ? `${fmtMs(r.summary.p10)}-${fmtMs(r.summary.p90)}` : '-',
      r.achieved?.gflops != null ? r.achieved.gflops.toPrecision(3) : '-',
      r.achieved?.gbps != null ? r.achieved.gbps.toPrecision(3) : '-',
      pct(r.achieved?.fractionOfPeak),
      pct(r.achieved?.fractionOfBandwidth),
      bound(r),
      r.inputSets ? String(r.inputSets.count) : '-',
      r.firstRunMs !== null ? fmtMs(r.firstRunMs) : '-',
      statusOf(r),
    ]),
  );
}

/** Notes worth reading under the tables: failures, skips, validation batches, decode details, fallbacks. */
export function formatNotes(rs: readonly BenchRecord[]): string[] {
  const out: string[] = [];
  for (const r of rs) {
    const who = `${r.name}${r.kind === 'model' ? ` ${r.mode}` : ''} on ${r.backend}`;
    // An unavailable backend is said once, not once per benchmark.
    if (r.note?.startsWith(`backend ${r.backend} is unavailable`)) {
      if (!out.includes(r.note)) out.push(r.note);
    } else if (r.note) out.push(`${who}: ${r.note}`);
    if (r.validation.batch) out.push(`${who}: validated against ref at batch ${r.validation.batch.used} (benchmarked at ${r.validation.batch.benchmarked})`);
    const fb = Object.entries(r.fallbacks);
    if (fb.length) out.push(`${who}: decomposition fallbacks per iteration: ${fb.map(([k, v]) => `${k} ×${v}`).join(', ')}`);
    if (r.aa) out.push(`${who}: A/A repeat differs by ${(100 * r.aa.difference).toFixed(2)}% (the machine's own noise)`);
  }
  return out;
}
