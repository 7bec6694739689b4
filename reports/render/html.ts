// The self-contained HTML report: inline CSS, chart.js's UMD build inlined from node_modules, the
// chart data as one JSON block, and no external URL anywhere, so the file opens offline.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join as joinPath } from 'node:path';
import { CLIENT_SCRIPT, type ChartSet } from './charts.js';
import { el, raw, type Html } from './dom.js';
import { experimentPart } from './experiment.js';
import { esc, jsonForScript, scriptForInline } from './escape.js';
import type { ReportModel } from './model.js';
import { comparisonSection, correctnessSection, environmentSection, performanceSection, section } from './sections.js';

/** chart.js's UMD bundle (defines window.Chart). The package exports map hides dist/, so resolve the main entry. */
export function chartJsSource(): string {
  const main = createRequire(import.meta.url).resolve('chart.js');
  return readFileSync(joinPath(dirname(main), 'chart.umd.min.js'), 'utf8');
}

const CSS = `
:root { --ok: #1e7f4f; --bad: #b3261e; --ink: #1b2430; --muted: #5b6776; --line: #dde3ea; --bg: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
header { background: #14202e; color: #fff; padding: 20px 32px; }
header h1 { margin: 0 0 4px; font-size: 22px; }
header p { margin: 0; color: #b8c4d2; }
main { max-width: 1280px; margin: 0 auto; padding: 8px 32px 48px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 12px 20px 16px; margin: 16px 0; }
h2 { font-size: 18px; margin: 4px 0 8px; }
h3 { font-size: 15px; margin: 16px 0 6px; }
nav a { color: #b8c4d2; margin-right: 14px; text-decoration: none; }
#summary ul { margin: 0; padding-left: 20px; }
#summary li { margin: 4px 0; }
#summary li.bad { color: var(--bad); font-weight: 600; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 12.5px; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #eef2f6; position: sticky; top: 0; }
td { word-break: break-word; }
table.env td { min-width: 90px; }
code { font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; background: #eef2f6; padding: 1px 4px; border-radius: 3px; }
.badge { display: inline-block; padding: 0 6px; border-radius: 3px; font-size: 11.5px; font-weight: 600; background: #e3e8ee; }
.badge.ok { background: #d6f0e1; color: var(--ok); }
.badge.bad { background: #fbdcd9; color: var(--bad); }
.ratio { display: inline-flex; align-items: center; gap: 6px; white-space: nowrap; }
.ratio b { display: inline-block; height: 8px; width: 60px; background: #e3e8ee; }
.ratio i { display: block; height: 8px; min-width: 2px; background: var(--ok); }
.ratio.bad i { background: var(--bad); }
.verdict.faster { color: var(--ok); font-weight: 600; }
.verdict.slower { color: var(--bad); font-weight: 600; }
figure.chart { margin: 12px 0 20px; }
figcaption { color: var(--muted); margin-bottom: 6px; }
figcaption strong { color: var(--ink); }
.canvas-box { position: relative; height: 320px; }
figure.chart:has(#chart-roofline) .canvas-box, figure.chart:has(#chart-fraction) .canvas-box { height: 460px; }
.chart-grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(380px, 1fr)); gap: 0 24px; }
.chart-grid .canvas-box { height: 260px; }
.env-grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(520px, 1fr)); gap: 12px 24px; }
table.kv th { width: 150px; background: none; position: static; color: var(--muted); font-weight: 600; }
details summary { cursor: pointer; color: var(--muted); }
footer { color: var(--muted); font-size: 12px; text-align: center; padding: 16px; }
`;

function summarySection(m: ReportModel): Html {
  const items = m.summary.sentences.map((s) => el('li', s.bad ? { class: 'bad' } : {}, s.text));
  return section('summary', 'Summary', el('ul', {}, ...items));
}

function nav(ids: readonly string[]): Html {
  const names: Record<string, string> = { summary: 'Summary', experiment: 'Experiment', correctness: 'Correctness', performance: 'Performance', comparison: 'Comparison', environment: 'Environment' };
  return el('nav', {}, ...ids.map((id) => el('a', { href: `#${id}` }, names[id] ?? id)));
}

export function renderHtml(m: ReportModel, charts: ChartSet): string {
  const experiment = experimentPart(m.inputs.files.flatMap((f) => (f.kind === 'experiment' ? [f] : [])));
  const parts: { id: string; html: Html | '' }[] = [
    { id: 'summary', html: summarySection(m) },
    { id: 'experiment', html: experiment.html },
    { id: 'correctness', html: correctnessSection(m.shown) },
    { id: 'performance', html: performanceSection(m.records, charts) },
    { id: 'comparison', html: m.comparison ? comparisonSection(m.comparison, m.inputs.comparison!.base.path, m.inputs.comparison!.next.path, charts.comparison) : '' },
    { id: 'environment', html: environmentSection(m.inputs.files) },
  ];
  const present = parts.filter((p) => p.html !== '');
  const specs = [...charts.throughput, ...charts.performance, ...charts.roofline, ...charts.comparison, ...experiment.charts];
  const sources = m.inputs.files.map((f) => f.path).join(', ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(m.title)}</title>
<style>${CSS}</style>
</head>
<body>
<header><h1>${esc(m.title)}</h1><p>Rendered from ${esc(sources)} · ${esc(m.generated)}</p>${nav(present.map((p) => p.id)).html}</header>
<main>
${present.map((p) => (p.html as Html).html).join('\n')}
</main>
<footer>zoo report · chart.js inlined · reads results files only, never re-runs anything</footer>
<script type="application/json" id="zoo-data">${jsonForScript({ charts: specs })}</script>
<script>${scriptForInline(chartJsSource())}</script>
<script>${CLIENT_SCRIPT}</script>
</body>
</html>
`;
}
