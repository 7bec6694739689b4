// The experiment section of a report (zoo.experiment files, `zoo experiment mhc`): the acceptance
// checks, a per-arm table, and charts of loss, gradient norm and residual gains for the three arms
// (plain residual, HC, mHC): mean over seeds with a min–max band. Reads the file only.
import { ResultsFileError } from '../io.js';
import type { ExperimentArm, ExperimentResultsFile, ExperimentRun, SeedStats } from '../schema.js';
import type { ChartSpec } from './charts.js';
import { chartBlock, section } from './sections.js';
import { badge, code, el, join, table, type Cell, type Html } from './dom.js';
import { escMd } from './escape.js';
import { si } from './format.js';

const ARM_COLORS: Record<ExperimentArm, string> = { plain: '#6b7b8c', hc: '#c0392b', mhc: '#3d6fd9' };
const ARM_NAMES: Record<ExperimentArm, string> = { plain: 'plain residual', hc: 'HC', mhc: 'mHC' };

/** Checks the parts of a zoo.experiment file the renderer relies on; a one-line ResultsFileError otherwise. */
export function checkExperimentFile(path: string, f: ExperimentResultsFile): void {
  const bad = (what: string) => new ResultsFileError(`${path}: ${what}`);
  if (typeof f.config !== 'object' || f.config === null || !Array.isArray(f.config.seeds) || !Array.isArray(f.config.arms)) throw bad('has no config with seeds and arms');
  if (typeof f.summary !== 'object' || f.summary === null || !Array.isArray(f.summary.arms) || !Array.isArray(f.summary.claims)) throw bad('has no summary with arms and claims');
  f.runs.forEach((r, i) => {
    if (!['plain', 'hc', 'mhc'].includes(r?.arm) || !Array.isArray(r.points)) throw bad(`runs[${i}] is not a run of arm plain, hc or mhc with points`);
    r.points.forEach((p, j) => {
      if (typeof p?.step !== 'number' || !Array.isArray(p.diagnostics?.composite?.fwd)) throw bad(`runs[${i}].points[${j}] has no step or gain diagnostics`);
    });
  });
}

// -- series over seeds -------------------------------------------------------------------------

type Band = { x: number; mean: number; min: number; max: number }[];

/** Mean, min and max over the runs of `f` at each logged step (finite values only). */
function band(runs: readonly ExperimentRun[], f: (p: ExperimentRun['points'][number]) => number | null): Band {
  const at = new Map<number, number[]>();
  for (const r of runs) {
    for (const p of r.points) {
      const v = f(p);
      if (v !== null && Number.isFinite(v)) at.set(p.step, [...(at.get(p.step) ?? []), v]);
    }
  }
  return [...at.entries()].sort((a, b) => a[0] - b[0]).map(([x, vs]) => ({ x, mean: vs.reduce((a, b) => a + b, 0) / vs.length, min: Math.min(...vs), max: Math.max(...vs) }));
}

/** Three datasets per arm: min (hidden from the legend), max filled down to min, and the mean line. */
function bandDatasets(arm: ExperimentArm, b: Band, seeds: number, dash: number[] = [], suffix = ''): Record<string, unknown>[] {
  const c = ARM_COLORS[arm];
  const pts = (k: 'mean' | 'min' | 'max') => b.map((q) => ({ x: q.x, y: q[k] }));
  const hidden = { pointRadius: 0, borderWidth: 0, zooNoLegend: true };
  return [
    ...(seeds > 1 ? [
      { type: 'line', label: `${arm}${suffix} min`, data: pts('min'), borderColor: c, fill: false, ...hidden },
      { type: 'line', label: `${arm}${suffix} max`, data: pts('max'), borderColor: c, backgroundColor: `${c}2e`, fill: '-1', ...hidden },
    ] : []),
    { type: 'line', label: `${ARM_NAMES[arm]}${suffix}${seeds > 1 ? ` (mean of ${seeds} seeds, band min–max)` : ''}`, data: pts('mean'), borderColor: c, backgroundColor: c, borderDash: dash, borderWidth: 2, pointRadius: 1.5, fill: false },
  ];
}

const axis = (title: string, type: 'linear' | 'logarithmic' | 'category' = 'linear') => ({ type, title: { display: true, text: title } });

function curveChart(id: string, title: string, caption: string, yTitle: string, datasets: Record<string, unknown>[], log = false): ChartSpec {
  return { id, title, caption, config: { type: 'line', data: { datasets }, options: { parsing: true, scales: { x: axis('optimizer step'), y: axis(yTitle, log ? 'logarithmic' : 'linear') } } } };
}

/** Final-point gains by sublayer, mean over seeds, one line per arm. */
function layerChart(id: string, title: string, caption: string, f: ExperimentResultsFile, pick: (r: ExperimentRun) => number[] | undefined): ChartSpec | null {
  const ref = f.runs.find((r) => r.points.length)?.points.at(-1)?.diagnostics;
  if (!ref) return null;
  const labels = ref.kinds.map((k, l) => `${l} ${k}`);
  const datasets = f.config.arms.map((arm) => {
    const rows = f.runs.filter((r) => r.arm === arm).map(pick).filter((v): v is number[] => Array.isArray(v) && v.length === labels.length);
    const mean = labels.map((_, l) => (rows.length ? rows.reduce((a, r) => a + r[l]!, 0) / rows.length : null));
    return { label: ARM_NAMES[arm], data: mean, borderColor: ARM_COLORS[arm], backgroundColor: ARM_COLORS[arm], borderWidth: 2, pointRadius: 3, fill: false };
  });
  return { id, title, caption, config: { type: 'line', data: { labels, datasets }, options: { scales: { x: axis('sublayer l (composite P_l = H_res_{L−1} ⋯ H_res_l)', 'category'), y: axis('gain (log scale)', 'logarithmic') } } } };
}

export function experimentCharts(f: ExperimentResultsFile, prefix: string): ChartSpec[] {
  const seeds = f.config.seeds.length;
  const per = (g: (p: ExperimentRun['points'][number]) => number | null, dash: number[] = [], suffix = '') =>
    f.config.arms.flatMap((arm) => bandDatasets(arm, band(f.runs.filter((r) => r.arm === arm), g), seeds, dash, suffix));
  const last = (r: ExperimentRun) => r.points.at(-1)?.diagnostics;
  const charts: (ChartSpec | null)[] = [
    curveChart(`${prefix}-train-loss`, 'Training loss', `Mean training loss of the steps since the previous logged point (nats/token), every ${f.config.logEvery} steps.`, 'loss (nats/token)', per((p) => p.trainLoss)),
    curveChart(`${prefix}-val-loss`, 'Validation loss', 'Mean loss over the fixed validation batches (nats/token).', 'loss (nats/token)', per((p) => p.valLoss)),
    curveChart(`${prefix}-val-loss-late`, 'Validation loss, second half of training', 'The same curves from the middle of the run on, where the arms differ by hundredths of a nat.', 'loss (nats/token)',
      per((p) => (p.step >= f.config.steps / 2 ? p.valLoss : null))),
    curveChart(`${prefix}-grad-norm`, 'Gradient norm', 'Global L2 norm of the gradient before clipping (clip at 1.0), mean over the steps since the previous point.', '‖g‖₂', per((p) => p.gradNorm)),
    layerChart(`${prefix}-gain-fwd`, 'Composite forward gain by sublayer (final step)', 'max_i |Σ_j P_ij| of P_l = H_res_{L−1} ⋯ H_res_l on the fixed sequence (mean over tokens, then over seeds), logarithmic axis. The plain residual is exactly 1; mHC stays at 1 because its H_res are doubly stochastic.', f, (r) => last(r)?.composite.fwd),
    layerChart(`${prefix}-gain-bwd`, 'Composite backward gain by sublayer (final step)', 'max_j |Σ_i P_ij| (the column sums: what the gradient sees), logarithmic axis.', f, (r) => last(r)?.composite.bwd),
    curveChart(`${prefix}-peak-gain`, 'Peak composite gain over training', 'max over sublayers of the composite forward (solid) and backward (dashed) gain at each logged step, logarithmic axis.', 'peak gain (log scale)',
      [...per((p) => p.diagnostics.peak.fwd, [], ' fwd'), ...per((p) => p.diagnostics.peak.bwd, [6, 4], ' bwd')], true),
    curveChart(`${prefix}-divergence`, 'Stream divergence', 'max over sublayers of max_ij ‖x_i − x_j‖ / ‖x‖ of the residual streams (0 for plain): the streams must break symmetry to be useful.', 'divergence',
      per((p) => (p.diagnostics.streamDivergence.length ? Math.max(...p.diagnostics.streamDivergence) : null))),
  ];
  return charts.filter((c): c is ChartSpec => c !== null);
}

// -- tables -------------------------------------------------------------------------------------

const f4 = (x: number | null | undefined) => (x == null ? '-' : x.toFixed(4));
const g4 = (x: number | null | undefined) => (x == null ? '-' : Math.abs(x) >= 1e4 || (x !== 0 && Math.abs(x) < 1e-3) ? x.toExponential(2) : x.toFixed(4));
const stat = (s: SeedStats, fmt: (x: number | null) => string) => (s.mean === null ? '-' : `${fmt(s.mean)} ± ${fmt(s.std)}`);

function claimsTable(f: ExperimentResultsFile): Html {
  return table(['acceptance check', 'status', 'observed', 'bound', 'detail'],
    f.summary.claims.map((c) => [c.statement, badge(c.passed), g4(c.observed), g4(c.bound), c.detail]), { class: 'claims' });
}

function armsTable(f: ExperimentResultsFile): Html {
  return table(['arm', 'parameters', 'runs', 'final val loss (mean ± sd)', 'min–max', 'per seed', 'peak gain fwd', 'peak gain bwd', 'max |fwd gain − 1|', 'tokens/s'],
    f.summary.arms.map((a) => [ARM_NAMES[a.arm], si(a.parameters), a.runs, stat(a.finalValLoss, f4), a.finalValLoss.min === null ? '-' : `${f4(a.finalValLoss.min)}–${f4(a.finalValLoss.max)}`,
      a.finalValLoss.perSeed.map(f4).join(', '), stat(a.peakFwd, g4), stat(a.peakBwd, g4), a.fwdDeviation.max === null ? '-' : a.fwdDeviation.max.toExponential(2), a.tokensPerSecond.mean === null ? '-' : si(a.tokensPerSecond.mean)]), { class: 'arms' });
}

function configTable(f: ExperimentResultsFile): Html {
  const c = f.config, o = c.optimizer, m = c.models['plain'] ?? Object.values(c.models)[0] ?? {};
  const rows: Cell[][] = [
    ['tier', `${c.tier}: ${m['nLayer']} blocks, C ${m['nEmbd']}, ${m['nHead']} heads, T ${m['blockSize']}, B ${m['batchSize']}; n = ${c.models['mhc']?.['streams'] ?? '-'} streams for HC and mHC`],
    ['runs', `${c.steps} steps × seeds ${c.seeds.join(', ')} × arms ${c.arms.join(', ')}, logged every ${c.logEvery} steps; backend ${f.backend.name}${f.backend.threads ? ` (${f.backend.threads} threads)` : ''}; ${(f.summary.seconds / 60).toFixed(1)} min in all`],
    ['optimizer', `${o.name} lr ${o.lr}, β (${o.betas.join(', ')}), ε ${o.eps}, weight decay ${o.weightDecay} on ${o.decayed}; warmup ${o.warmupSteps} steps then cosine to ${Number(o.minLr.toPrecision(6))}; gradient clipping at ${o.clipNorm}`],
    ['data', `${c.data.corpus}; split seed ${c.data.splitSeed} (${100 * c.data.valFraction}% validation), ${c.data.valBatches} fixed validation batches; ${c.data.order}`],
    ['init', c.init], ['gain diagnostics', `${c.diagnostics.source} (${c.diagnostics.tokens} tokens)`],
  ];
  return el('table', { class: 'kv' }, el('tbody', {}, ...rows.map(([k, v]) => el('tr', {}, el('th', {}, k), el('td', {}, v)))));
}

export interface ExperimentPart {
  html: Html | '';
  charts: ChartSpec[];
}

/** The experiment section for every zoo.experiment file, and its charts. */
export function experimentPart(files: readonly { path: string; file: ExperimentResultsFile }[]): ExperimentPart {
  if (!files.length) return { html: '', charts: [] };
  const charts: ChartSpec[] = [];
  const blocks = files.map(({ path, file }, i) => {
    const cs = experimentCharts(file, `chart-experiment-${i}`);
    charts.push(...cs);
    return join([
      el('h3', {}, `mHC vs HC vs plain residual — `, code(path), file.partial ? ' (interrupted: partial results)' : ''),
      el('h4', {}, 'Acceptance checks'), claimsTable(file),
      el('h4', {}, 'Arms (final validation loss over seeds; gains: max over sublayers and logged steps)'), armsTable(file),
      el('h4', {}, 'Configuration'), configTable(file),
      el('div', { class: 'chart-grid' }, ...cs.map(chartBlock)),
    ]);
  });
  return { html: section('experiment', 'Experiment', ...blocks), charts };
}

/** Summary sentences: one per acceptance check. */
export function experimentSentences(file: ExperimentResultsFile): { text: string; bad: boolean }[] {
  const head = `Experiment mhc (tier ${file.config.tier}, ${file.config.steps} steps, ${file.config.seeds.length} seed${file.config.seeds.length === 1 ? '' : 's'}${file.partial ? ', interrupted' : ''})`;
  return file.summary.claims.map((c) => ({ text: `${head}: ${c.passed ? 'PASS' : 'FAIL'} ${c.statement}: ${c.detail}.`, bad: !c.passed }));
}

/** The same tables as markdown. */
export function experimentMarkdown(path: string, f: ExperimentResultsFile): string[] {
  const row = (cells: readonly unknown[]) => `| ${cells.map(escMd).join(' | ')} |`;
  const md = (header: readonly string[], rows: readonly (readonly unknown[])[]) => [row(header), `|${header.map(() => '---').join('|')}|`, ...rows.map(row)].join('\n');
  return [
    `### Experiment mhc (\`${escMd(path)}\`)`, '',
    md(['acceptance check', 'status', 'detail'], f.summary.claims.map((c) => [c.statement, c.passed ? 'pass' : 'FAIL', c.detail])), '',
    md(['arm', 'parameters', 'final val loss (mean ± sd)', 'peak gain fwd', 'peak gain bwd', 'tokens/s'],
      f.summary.arms.map((a) => [ARM_NAMES[a.arm], a.parameters, stat(a.finalValLoss, f4), stat(a.peakFwd, g4), stat(a.peakBwd, g4), a.tokensPerSecond.mean === null ? '-' : si(a.tokensPerSecond.mean)])), '',
  ];
}
