// The report's sections as HTML: environment, correctness, performance, comparison.
import type { BenchRecord, CheckResultsFile, OpCheckRecord, OpParityRecord, ParityResultsFile } from '../schema.js';
import type { Comparison } from '../../suites/harness/bench/compare.js';
import type { ChartSet, ChartSpec } from './charts.js';
import { badge, code, el, join, raw, table, type Cell, type Html } from './dom.js';
import { benchLabel, bytes, fmtMs, pct, sci, signedPct, si, throughputText } from './format.js';
import type { LoadedFile } from './inputs.js';

export const section = (id: string, title: string, ...body: Cell[]): Html => el('section', { id }, el('h2', {}, title), ...body);

export function chartBlock(c: ChartSpec): Html {
  return el('figure', { class: 'chart' }, el('figcaption', {}, el('strong', {}, c.title), ' — ', c.caption), el('div', { class: 'canvas-box' }, el('canvas', { id: c.id, role: 'img', 'aria-label': c.title })));
}

// -- environment --------------------------------------------------------------------------------

function timingMethods(f: LoadedFile): string {
  if (f.kind === 'experiment') return 'wall clock of the training steps (tokens/s); evaluation and diagnostics excluded';
  if (f.kind !== 'bench') return f.kind === 'check' ? 'not timed (float64 finite differences on ref)' : 'not timed (values compared with the float64 oracle)';
  const methods = new Map<string, string>();
  for (const r of f.file.benchmarks) methods.set(r.backend, r.sync.method + (r.sync.timestamps ? `; ${r.sync.timestamps.split(':')[0]}` : '; no GPU timestamps'));
  return [...methods.entries()].map(([b, m]) => `${b}: ${m}`).join(' · ');
}

function backendsOf(f: LoadedFile): string {
  if (f.kind === 'bench') return f.file.backends.map((b) => `${b.name}${b.available ? '' : ' (unavailable: ' + (b.reason ?? '?') + ')'}${b.threads ? `, ${b.threads} threads` : ''}${typeof b.details['describe'] === 'string' ? ` — ${b.details['describe']}` : ''}`).join(' · ');
  if (f.kind === 'parity') return `${f.file.config.backend}${f.file.config.backendDetail ? ` — ${f.file.config.backendDetail}` : ''} (k = ${f.file.config.k})`;
  if (f.kind === 'experiment') return `${f.file.backend.name}${f.file.backend.threads ? `, ${f.file.backend.threads} threads` : ''}${f.file.backend.detail ? ` — ${f.file.backend.detail}` : ''}`;
  return `${f.file.config.backend} (seed ${f.file.config.seed}, ${f.file.config.runs} runs per op)`;
}

function limitsOf(f: LoadedFile): string {
  if (f.kind !== 'bench') return '-';
  const l = f.file.limits;
  const one = (name: string, m: { value: number | null; method: string; unavailable?: string }, unit: string) => `${name}: ${m.value === null ? m.unavailable ?? 'unavailable' : `${(m.value / 1e9).toPrecision(3)} ${unit} (${m.method})`}`;
  return [one('cpu peak', l.cpu.peakFlops, 'GFLOP/s'), one('cpu bandwidth', l.cpu.bandwidth, 'GB/s'),
    ...Object.entries(l.devices).flatMap(([d, m]) => [one(`${d} peak`, m.peakFlops, 'GFLOP/s'), one(`${d} bandwidth`, m.bandwidth, 'GB/s')])].join(' · ');
}

export function environmentSection(files: readonly LoadedFile[]): Html {
  const cards = files.map((f) => {
    const e = f.file.environment;
    const commit = e.git.commit ? `${e.git.commit.slice(0, 12)}${e.git.dirty ? ' (dirty: uncommitted changes)' : e.git.dirty === false ? ' (clean)' : ''}` : 'not a git checkout';
    const rows: Cell[][] = [
      ['kind', f.kind], ['machine', `${e.cpu.model}, ${e.cpu.cores} logical cores, ${bytes(e.memoryBytes)}`], ['CPU features', e.cpu.features.join(' ') || '-'],
      ['Node · OS', `${e.node} · ${e.os}`], ['backends / adapters', backendsOf(f)], ['commit', commit], ['date', e.date], ['how it was timed', timingMethods(f)],
      ...(f.kind === 'bench' ? [['measured limits', limitsOf(f)]] : []),
    ];
    return el('div', {}, el('h3', {}, code(f.path)), el('table', { class: 'kv' }, el('tbody', {}, ...rows.map(([k, v]) => el('tr', {}, el('th', {}, k), el('td', {}, v))))));
  });
  return section('environment', 'Environment and provenance', el('div', { class: 'env-grid' }, ...cards));
}

// -- correctness --------------------------------------------------------------------------------

const replayCheck = (f: CheckResultsFile, r: OpCheckRecord) => r.failure ? `zoo check --op ${r.op} --seed ${r.failure.seed} --path ${r.failure.path}` : '';
const replayParity = (f: ParityResultsFile, r: OpParityRecord) => r.failure ? `zoo parity --backend ${f.config.backend} --op ${r.op} --seed ${r.failure.seed} --path ${r.failure.path}` : '';

/** error / budget as a small bar: green under 1 (log scale, 1e-6 … 1 … 10). */
function ratioBar(ratio: number): Html {
  const pos = Number.isFinite(ratio) && ratio > 0 ? Math.max(0, Math.min(1, (Math.log10(ratio) + 6) / 7)) : ratio === 0 ? 0 : 1;
  return el('span', { class: `ratio ${ratio <= 1 ? 'ok' : 'bad'}`, title: `error / budget = ${sci(ratio)}` }, raw(`<b><i style="width:${(100 * pos).toFixed(1)}%"></i></b>`), sci(ratio));
}

function failureCell(message: string | undefined, replay: string): Cell {
  return message ? join([message, raw('<br>'), code(replay)]) : '';
}

function checkRows(f: CheckResultsFile): Cell[][] {
  const rs = [...f.results].sort((a, b) => Number(a.passed) - Number(b.passed));
  return rs.map((r) => {
    const worst = Math.max(r.worstFirstOrder, r.secondOrderChecked ? r.worstSecondOrder : 0);
    return [r.op, r.family, r.backend, 'gradient', badge(r.passed), r.differentiable ? sci(r.worstFirstOrder) : 'n/a', r.secondOrderChecked ? sci(r.worstSecondOrder) : '-', sci(r.tolerance), r.differentiable ? ratioBar(worst / r.tolerance) : '-', failureCell(r.failure?.message, replayCheck(f, r))];
  });
}

function parityRows(f: ParityResultsFile): Cell[][] {
  const rs = [...f.results].sort((a, b) => Number(a.passed) - Number(b.passed));
  return rs.map((r) => {
    const worst = r.backward && r.backward.ratio > r.forward.ratio ? r.backward : r.forward;
    return [r.op, r.family, r.backend, 'parity', badge(r.passed), sci(r.forward.error), r.backward ? sci(r.backward.error) : '-', sci(worst.budget), ratioBar(worst.ratio), failureCell(r.failure?.message, replayParity(f, r))];
  });
}

function fallbackTable(files: readonly LoadedFile[]): Html | '' {
  const rows: Cell[][] = [];
  for (const f of files) {
    if (f.kind === 'parity') for (const [k, n] of Object.entries(f.file.fallbacks)) rows.push([k, 'parity run', n]);
    if (f.kind === 'bench') for (const r of f.file.benchmarks) for (const [k, n] of Object.entries(r.fallbacks)) rows.push([k, `${benchLabel(r)} on ${r.backend} (per iteration)`, n]);
  }
  if (!rows.length) return '';
  return join([el('h3', {}, 'Fallbacks to decompositions'), el('p', {}, 'These ops had no kernel on the backend and ran as their decomposition into other ops.'), table(['backend:op', 'where', 'calls'], rows, { class: 'fallbacks' })]);
}

function validationTable(records: readonly BenchRecord[]): Html | '' {
  const rs = records.filter((r) => r.validation.status !== 'skipped' || r.note);
  if (!rs.length) return '';
  const rows = rs.map((r) => [benchLabel(r), r.backend, r.validation.status === 'oracle' ? el('span', { class: 'badge' }, 'oracle') : r.validation.status === 'skipped' ? el('span', { class: 'badge' }, 'skipped') : badge(r.validation.status === 'passed'), sci(r.validation.error), sci(r.validation.tolerance), r.validation.compared, r.validation.detail ?? r.note ?? '']);
  return join([el('h3', {}, 'Benchmarked models and ops against the ref oracle'), table(['benchmark', 'backend', 'status', 'error', 'budget', 'compared', 'detail'], rows, { class: 'validation' })]);
}

export function correctnessSection(files: readonly LoadedFile[]): Html | '' {
  const rows = files.flatMap((f) => (f.kind === 'check' ? checkRows(f.file) : f.kind === 'parity' ? parityRows(f.file) : []));
  const benches = files.flatMap((f) => (f.kind === 'bench' ? f.file.benchmarks : []));
  const fb = fallbackTable(files), val = validationTable(benches);
  if (!rows.length && !fb && !val) return '';
  const opTable = rows.length
    ? join([el('h3', {}, 'Ops: per op and backend'), el('p', {}, 'Worst relative error against its derived budget (gradient checks: analytic vs float64 finite differences; parity: the backend vs the float64 oracle). Failures first, each with the command that replays it.'),
      table(['op', 'family', 'backend', 'check', 'status', 'worst error (1st order / forward)', '2nd order / backward', 'budget', 'error ÷ budget', 'failure and replay'], rows, { class: 'correctness', id: 'correctness-table' })])
    : '';
  return section('correctness', 'Correctness', opTable, val, fb);
}

// -- performance --------------------------------------------------------------------------------

function modelTable(rs: readonly BenchRecord[]): Html {
  return table(['benchmark', 'backend', 'throughput [95% CI]', 'latency p50 (p10–p90, p99)', 'GFLOP/s', 'MFU', '% bandwidth', 'bound', 'first run', 'peak RSS', 'device peak', 'status'],
    rs.map((r) => [benchLabel(r), r.backend, throughputText(r),
      r.summary ? `${fmtMs(r.summary.p50)} (${fmtMs(r.summary.p10)}–${fmtMs(r.summary.p90)}, ${fmtMs(r.summary.p99)})` : '-',
      r.achieved?.gflops != null ? r.achieved.gflops.toPrecision(3) : '-', pct(r.achieved?.fractionOfPeak), pct(r.achieved?.fractionOfBandwidth),
      r.roofline.intensity != null ? `${r.roofline.bound} (${r.roofline.intensity.toPrecision(2)} F/B)` : r.roofline.bound,
      r.firstRunMs != null ? fmtMs(r.firstRunMs) : '-', bytes(r.memory?.rssPeakBytes), bytes(r.memory?.device?.peakBytes),
      r.status === 'ok' ? `ok (${r.stoppedBy ?? '-'}, n=${r.summary?.n ?? 0})` : join([badge(false, r.status), ' ', r.note ?? ''])]), { class: 'perf' });
}

export function performanceSection(records: readonly BenchRecord[], charts: ChartSet): Html | '' {
  if (!records.length) return '';
  const models = records.filter((r) => r.kind === 'model'), ops = records.filter((r) => r.kind === 'op');
  return section('performance', 'Performance',
    charts.throughput.length ? el('div', { class: 'chart-grid' }, ...charts.throughput.map(chartBlock)) : '',
    models.length ? join([el('h3', {}, 'Models'), modelTable(models)]) : '',
    ops.length ? join([el('h3', {}, 'Ops'), modelTable(ops)]) : '',
    ...charts.roofline.map(chartBlock),
    ...charts.performance.map(chartBlock));
}

// -- comparison ---------------------------------------------------------------------------------

export function comparisonSection(cs: readonly Comparison[], basePath: string, newPath: string, charts: readonly ChartSpec[]): Html {
  const med = (r: BenchRecord | null) => (r?.summary ? `${fmtMs(r.summary.median)} [${fmtMs(r.summary.ci[0])}, ${fmtMs(r.summary.ci[1])}]` : '-');
  const rows = cs.map((c) => [c.label, med(c.base), med(c.next), signedPct(c.change), `${(100 * c.threshold).toFixed(1)}% (${c.thresholdSource})`,
    join([el('span', { class: `verdict ${c.verdict.replace(' ', '-')}` }, c.verdict), c.reason ? ` (${c.reason})` : ''])]);
  return section('comparison', 'Comparison',
    el('p', {}, 'Base ', code(basePath), ' → new ', code(newPath), '. A change counts only when the 95% confidence intervals of the medians separate and it exceeds the threshold.'),
    table(['benchmark', 'base median [95% CI]', 'new median [95% CI]', 'change', 'threshold', 'verdict'], rows, { class: 'comparison' }),
    ...charts.map(chartBlock));
}
