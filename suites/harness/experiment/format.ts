// Plain-text output of `zoo experiment mhc`: one progress line per logged point and the final
// summary table with the acceptance checks.
import type { ExperimentResultsFile, SeedStats } from '../../../reports/schema.js';
import type { ArmProgress } from './train-arm.js';

const f4 = (x: number | null | undefined): string => (x == null ? 'n/a' : x.toFixed(4));
const gain = (x: number | null | undefined): string => (x == null ? 'n/a' : Math.abs(x) >= 1e4 ? x.toExponential(2) : x.toFixed(4));
const rate = (r: number | null | undefined): string => (r == null ? 'n/a' : r >= 1e4 ? `${(r / 1e3).toFixed(1)}k` : r.toFixed(0));

/** 'mhc  seed 1  step 125/600  train 2.3456  val 2.4012  |g| 0.812  peak fwd 1.0000 bwd 1.0021  div 0.031  2.1k tok/s' */
export function formatProgress(p: ArmProgress): string {
  const q = p.point, d = q.diagnostics;
  return [
    p.arm.padEnd(5), `seed ${p.seed}`, `step ${String(q.step).padStart(String(p.steps).length)}/${p.steps}`,
    `train ${f4(q.trainLoss)}`, `val ${f4(q.valLoss)}`, `|g| ${q.gradNorm == null ? 'n/a' : q.gradNorm.toFixed(3)}`,
    `peak fwd ${gain(d.peak.fwd)} bwd ${gain(d.peak.bwd)}`, `div ${d.streamDivergence.length ? Math.max(...d.streamDivergence).toFixed(3) : '0'}`,
    `${rate(q.tokensPerSecond)} tok/s`,
  ].join('  ');
}

const meanSpread = (s: SeedStats, fmt: (x: number | null) => string): string =>
  s.mean === null ? 'n/a' : `${fmt(s.mean)} ± ${s.std === null ? 'n/a' : fmt(s.std)}`;

function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** The per-arm table (mean ± sample std over seeds, min–max) and one PASS/FAIL line per claim. */
export function formatSummary(file: ExperimentResultsFile): string {
  const n = file.config.seeds.length;
  const rows = file.summary.arms.map((a) => [
    a.arm, String(a.parameters), `${meanSpread(a.finalValLoss, f4)}`, a.finalValLoss.min === null ? 'n/a' : `${f4(a.finalValLoss.min)}–${f4(a.finalValLoss.max)}`,
    meanSpread(a.peakFwd, gain), meanSpread(a.peakBwd, gain), a.fwdDeviation.max === null ? 'n/a' : a.fwdDeviation.max.toExponential(1),
    rate(a.tokensPerSecond.mean),
  ]);
  const table = textTable(['arm', 'params', `val loss (mean ± sd, ${n} seed${n === 1 ? '' : 's'})`, 'min–max', 'peak gain fwd', 'peak gain bwd', 'max |fwd−1|', 'tok/s'], rows);
  const claims = file.summary.claims.map((c) => `${c.passed ? 'PASS' : 'FAIL'}  ${c.statement}: ${c.detail}`);
  const head = `${file.partial ? 'INTERRUPTED (partial results): ' : ''}${file.runs.length} runs (tier ${file.config.tier}, ${file.config.steps} steps, seeds ${file.config.seeds.join(',')}, backend ${file.backend.name}) in ${(file.summary.seconds / 60).toFixed(1)} min`;
  return [head, '', table, '', ...claims].join('\n');
}
