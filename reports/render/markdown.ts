// The report as markdown, for pull-request comments and CI job summaries: the same summary
// sentences, then compact tables (failures in full, passes counted).
import { formatMarkdown } from '../../suites/harness/bench/compare.js';
import type { BenchRecord } from '../schema.js';
import { experimentMarkdown } from './experiment.js';
import { escMd } from './escape.js';
import { benchLabel, fmtMs, pct, sci, throughputText } from './format.js';
import type { ReportModel } from './model.js';

const row = (cells: readonly unknown[]) => `| ${cells.map(escMd).join(' | ')} |`;
const mdTable = (header: readonly string[], rows: readonly (readonly unknown[])[]) => [row(header), `|${header.map(() => '---').join('|')}|`, ...rows.map(row)].join('\n');

function correctness(m: ReportModel): string[] {
  const out: string[] = [];
  for (const f of m.inputs.files) {
    if (f.kind === 'bench' || f.kind === 'experiment') continue;
    const what = f.kind === 'check' ? `Gradient checks on ${f.file.config.backend}` : `Parity of ${f.file.config.backend} against the float64 oracle`;
    const failed = f.file.results.filter((r) => !r.passed);
    out.push(`### ${escMd(what)}`, '', `${f.file.results.length - failed.length} of ${f.file.results.length} ops passed (\`${escMd(f.path)}\`).`, '');
    if (failed.length) {
      const replay = (op: string, s: number, p: string) => (f.kind === 'check' ? `zoo check --op ${op} --seed ${s} --path ${p}` : `zoo parity --backend ${f.file.config.backend} --op ${op} --seed ${s} --path ${p}`);
      out.push(mdTable(['op', 'backend', 'failure', 'replay'], failed.map((r) => [r.op, r.backend, r.failure?.message ?? '-', r.failure ? replay(r.op, r.failure.seed, r.failure.path) : '-'])), '');
    }
  }
  return out;
}

function performance(rs: readonly BenchRecord[]): string[] {
  if (!rs.length) return [];
  return ['### Performance', '', mdTable(
    ['benchmark', 'backend', 'throughput [95% CI]', 'p50 (p10–p90)', 'MFU', '% bandwidth', 'first run', 'validation', 'status'],
    rs.map((r) => [benchLabel(r), r.backend, throughputText(r), r.summary ? `${fmtMs(r.summary.p50)} (${fmtMs(r.summary.p10)}–${fmtMs(r.summary.p90)})` : '-',
      pct(r.achieved?.fractionOfPeak), pct(r.achieved?.fractionOfBandwidth), r.firstRunMs != null ? fmtMs(r.firstRunMs) : '-',
      `${r.validation.status}${r.validation.error != null ? ` (${sci(r.validation.error)})` : ''}`, r.status + (r.note ? `: ${r.note}` : '')]),
  ), ''];
}

function environment(m: ReportModel): string[] {
  return ['### Environment', '', mdTable(['file', 'machine', 'Node · OS', 'commit', 'date'], m.inputs.files.map((f) => {
    const e = f.file.environment;
    return [f.path, `${e.cpu.model}, ${e.cpu.cores} cores (${e.cpu.features.join(' ')})`, `${e.node} · ${e.os}`, e.git.commit ? `${e.git.commit.slice(0, 12)}${e.git.dirty ? ' (dirty)' : ''}` : '-', e.date];
  })), ''];
}

export function renderMarkdown(m: ReportModel): string {
  const lines = [`## ${escMd(m.title)}`, '', '### Summary', '', ...m.summary.sentences.map((s) => `- ${s.bad ? '**' : ''}${escMd(s.text)}${s.bad ? '**' : ''}`), '',
    ...m.inputs.files.flatMap((f) => (f.kind === 'experiment' ? experimentMarkdown(f.path, f.file) : [])),
    ...correctness(m), ...performance(m.records)];
  if (m.comparison) lines.push(formatMarkdown(m.comparison, m.inputs.comparison!.base.path, m.inputs.comparison!.next.path), '');
  lines.push(...environment(m));
  return lines.join('\n');
}
