// Comparing two bench results files (`zoo compare`): benchmarks are matched by key (model or op,
// preset, mode, backend, shapes/batch/seq) and each is classified from its median latency and the
// bootstrap confidence intervals:
//   change = median_new / median_base − 1
//   slower  when the intervals separate (new.lo > base.hi) and change > threshold
//   faster  when the intervals separate (new.hi < base.lo) and change < −threshold
//   unchanged otherwise; insufficient data when either side is missing, failed, or has < 3 samples.
// The threshold is --threshold, else the larger A/A difference the two files carry for that
// benchmark (--repeat-aa: the machine's own noise), else 5 %.
import { fmtMs } from './format.js';
import type { BenchRecord, BenchResultsFile } from '../../../reports/schema.js';
import { table } from '../../../cli/util.js';

export type Verdict = 'faster' | 'slower' | 'unchanged' | 'insufficient data';
export const DEFAULT_THRESHOLD = 0.05;
/** Fewer samples and the interval means little; 3 vs 3 separate by chance with probability 1/10. */
export const MIN_SAMPLES = 3;

export interface Comparison {
  key: string;
  label: string;
  verdict: Verdict;
  base: BenchRecord | null;
  next: BenchRecord | null;
  change: number | null;
  threshold: number;
  thresholdSource: 'option' | 'A/A noise' | 'default';
  reason?: string;
}

export function labelOf(r: BenchRecord): string {
  if (r.kind === 'op') return `${r.name} ${(r.shapes ?? []).map((s) => s.join('x') || '()').join(',')} ${r.dtype} on ${r.backend}`;
  return `${r.name} ${r.mode} on ${r.backend} (${r.preset}, batch ${r.batch ?? '-'}${r.seq ? `, seq ${r.seq}` : ''})`;
}

function usable(r: BenchRecord | null): string | null {
  if (!r) return 'missing';
  if (!r.summary || (r.status !== 'ok' && r.status !== 'partial')) return r.status;
  if (r.summary.n < MIN_SAMPLES) return `${r.summary.n} samples`;
  return null;
}

function thresholdFor(base: BenchRecord | null, next: BenchRecord | null, option?: number): Pick<Comparison, 'threshold' | 'thresholdSource'> {
  if (option !== undefined) return { threshold: option, thresholdSource: 'option' };
  const aa = [base?.aa?.difference, next?.aa?.difference].filter((d): d is number => d !== undefined && Number.isFinite(d)).map(Math.abs);
  return aa.length ? { threshold: Math.max(...aa), thresholdSource: 'A/A noise' } : { threshold: DEFAULT_THRESHOLD, thresholdSource: 'default' };
}

export function classify(base: BenchRecord | null, next: BenchRecord | null, threshold?: number): Comparison {
  const any = (next ?? base)!;
  const t = thresholdFor(base, next, threshold);
  const common = { key: any.key, label: labelOf(any), base, next, ...t };
  const bad = [['base', usable(base)], ['new', usable(next)]].filter(([, why]) => why !== null).map(([side, why]) => `${side}: ${why}`);
  if (bad.length) return { ...common, verdict: 'insufficient data', change: null, reason: bad.join('; ') };
  const b = base!.summary!, n = next!.summary!;
  const change = n.median / b.median - 1;
  const verdict: Verdict = n.ci[0] > b.ci[1] && change > t.threshold ? 'slower' : n.ci[1] < b.ci[0] && change < -t.threshold ? 'faster' : 'unchanged';
  const separated = n.ci[0] > b.ci[1] || n.ci[1] < b.ci[0];
  return { ...common, verdict, change, ...(verdict === 'unchanged' ? { reason: separated ? 'below threshold' : 'intervals overlap' } : {}) };
}

/** Every benchmark of either file, in the order of the base file then the new one's additions. */
export function compareFiles(base: BenchResultsFile, next: BenchResultsFile, threshold?: number): Comparison[] {
  const nextByKey = new Map(next.benchmarks.map((r) => [r.key, r]));
  const baseKeys = new Set(base.benchmarks.map((r) => r.key));
  return [
    ...base.benchmarks.map((r) => classify(r, nextByKey.get(r.key) ?? null, threshold)),
    ...next.benchmarks.filter((r) => !baseKeys.has(r.key)).map((r) => classify(null, r, threshold)),
  ];
}

const ci = (r: BenchRecord | null) => (r?.summary ? `${fmtMs(r.summary.median)} [${fmtMs(r.summary.ci[0])}, ${fmtMs(r.summary.ci[1])}]` : '-');
const signed = (x: number | null) => (x === null ? '-' : `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}%`);
const thr = (c: Comparison) => `${(100 * c.threshold).toFixed(1)}% (${c.thresholdSource})`;

export function counts(cs: readonly Comparison[]): Record<Verdict, number> {
  const out: Record<Verdict, number> = { faster: 0, slower: 0, unchanged: 0, 'insufficient data': 0 };
  for (const c of cs) out[c.verdict]++;
  return out;
}

const summaryLine = (cs: readonly Comparison[]) => Object.entries(counts(cs)).map(([v, n]) => `${n} ${v}`).join(', ');

export function formatText(cs: readonly Comparison[]): string {
  const rows = cs.map((c) => [c.label, ci(c.base), ci(c.next), signed(c.change), thr(c), c.verdict + (c.reason ? ` (${c.reason})` : '')]);
  return `${table(['benchmark', 'base median [95% CI]', 'new median [95% CI]', 'change', 'threshold', 'verdict'], rows)}\n\n${summaryLine(cs)}`;
}

export function formatMarkdown(cs: readonly Comparison[], baseName: string, newName: string): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const slower = cs.filter((c) => c.verdict === 'slower');
  const head = slower.length ? `**${slower.length} benchmark${slower.length === 1 ? '' : 's'} slower**` : '**No slowdown**';
  const lines = [
    `### Benchmark comparison: \`${esc(baseName)}\` → \`${esc(newName)}\``, '', `${head} (${summaryLine(cs)}).`, '',
    '| benchmark | base median [95% CI] | new median [95% CI] | change | threshold | verdict |',
    '|---|---|---|---|---|---|',
    ...cs.map((c) => `| ${esc(c.label)} | ${ci(c.base)} | ${ci(c.next)} | ${signed(c.change)} | ${thr(c)} | ${c.verdict === 'slower' ? '**slower**' : c.verdict}${c.reason ? ` (${esc(c.reason)})` : ''} |`),
    '', 'Latency per iteration; a change counts only when the confidence intervals separate and it exceeds the threshold.',
  ];
  return lines.join('\n');
}
