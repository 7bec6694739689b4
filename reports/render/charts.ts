// Chart specifications (plain JSON, embedded in the page) and the small inline script that turns
// them into chart.js charts. chart.js has no error bars: the `zooErrorBars` plugin below draws each
// dataset's `errorBars: [lo, hi][]` as whiskers over its bars.
import type { BenchRecord, MachineLimits } from '../schema.js';
import type { Comparison } from '../../suites/harness/bench/compare.js';
import { benchLabel, modeWord } from './format.js';
import { measured, modelGroups } from './summary.js';

/** One chart: the canvas id, its heading, and a chart.js configuration made of data only. */
export interface ChartSpec {
  id: string;
  title: string;
  caption: string;
  config: Record<string, unknown>;
}

const BACKEND_COLORS: Record<string, string> = { ref: '#6b7b8c', native: '#e07b39', webgpu: '#2f9e6e' };
const PALETTE = ['#3d6fd9', '#b4457a', '#c9a227', '#5a3fc0', '#2a9bb0'];
export function colorOf(name: string, i = 0): string {
  return BACKEND_COLORS[name] ?? PALETTE[i % PALETTE.length]!;
}

const axis = (title: string, type: 'linear' | 'logarithmic' = 'linear', extra: Record<string, unknown> = {}) => ({ type, title: { display: true, text: title }, ...extra });
const at = (r: BenchRecord) => `${benchLabel(r)} · ${r.backend}`;

/** Throughput per model and mode: one bar per backend with 95% CI whiskers. */
function throughputCharts(records: readonly BenchRecord[]): ChartSpec[] {
  return modelGroups(records).flatMap((group) => {
    const rs = group.filter(measured);
    if (!rs.length) return [];
    const h = rs[0]!;
    const unit = h.throughput!.unit;
    return [{
      id: `chart-throughput-${h.name}-${h.mode}-${h.preset}-b${h.batch ?? 0}-t${h.seq ?? 0}`.replace(/[^\w-]/g, '_'),
      title: `${h.name} ${modeWord(h.mode)} throughput`,
      caption: `${unit} (${h.preset}, batch ${h.batch ?? '-'}${h.seq ? `, seq ${h.seq}` : ''}), median with its 95% bootstrap confidence interval (whiskers). Higher is better.`,
      config: {
        type: 'bar',
        data: { labels: rs.map((r) => r.backend), datasets: [{ label: unit, backgroundColor: rs.map((r, i) => colorOf(r.backend, i)), data: rs.map((r) => r.throughput!.perSecond), errorBars: rs.map((r) => r.throughput!.ci) }] },
        options: { plugins: { legend: { display: false } }, scales: { y: axis(unit, 'linear', { beginAtZero: true }) } },
      },
    }];
  });
}

function fractionChart(records: readonly BenchRecord[]): ChartSpec[] {
  const rs = records.filter((r) => measured(r) && (r.achieved?.fractionOfPeak != null || r.achieved?.fractionOfBandwidth != null));
  if (!rs.length) return [];
  const data = (f: (r: BenchRecord) => number | null | undefined) => rs.map((r) => { const v = f(r); return v == null ? null : 100 * v; });
  return [{
    id: 'chart-fraction',
    title: 'Distance from the machine limit',
    caption: "Achieved FLOP/s and bytes/s as a percentage of the backend device's measured peak and bandwidth (models: MFU). 100% is the machine limit; above it, the working set fit in cache or the limit probe measured low.",
    config: {
      type: 'bar',
      data: {
        labels: rs.map(at),
        datasets: [
          { label: '% of peak FLOP/s (MFU)', backgroundColor: '#3d6fd9', data: data((r) => r.achieved?.fractionOfPeak) },
          { label: '% of bandwidth', backgroundColor: '#c9a227', data: data((r) => r.achieved?.fractionOfBandwidth) },
        ],
      },
      options: { indexAxis: 'y', scales: { x: axis('% of measured limit', 'linear', { beginAtZero: true }) } },
    },
  }];
}

function latencyChart(records: readonly BenchRecord[]): ChartSpec[] {
  const rs = records.filter(measured);
  if (!rs.length) return [];
  const keys = ['p10', 'p50', 'p90', 'p99'] as const;
  const colors = ['#9ec1f0', '#3d6fd9', '#1f3f86', '#0b1a3b'];
  return [{
    id: 'chart-latency',
    title: 'Latency percentiles',
    caption: 'Milliseconds per iteration (ops: per call), logarithmic axis. Lower is better.',
    config: {
      type: 'bar',
      data: { labels: rs.map(at), datasets: keys.map((k, i) => ({ label: k, backgroundColor: colors[i], data: rs.map((r) => r.summary![k]) })) },
      options: { scales: { y: axis('ms', 'logarithmic') } },
    },
  }];
}

function firstRunChart(records: readonly BenchRecord[]): ChartSpec[] {
  const rs = records.filter((r) => measured(r) && r.firstRunMs !== null);
  if (!rs.length) return [];
  return [{
    id: 'chart-first-run',
    title: 'First run vs steady state',
    caption: 'The first call (compilation, packing, allocation) against the median of the timed iterations, in ms, logarithmic axis.',
    config: {
      type: 'bar',
      data: {
        labels: rs.map(at),
        datasets: [
          { label: 'first run', backgroundColor: '#b4457a', data: rs.map((r) => r.firstRunMs) },
          { label: 'median', backgroundColor: '#3d6fd9', data: rs.map((r) => r.summary!.median) },
        ],
      },
      options: { scales: { y: axis('ms', 'logarithmic') } },
    },
  }];
}

function memoryChart(records: readonly BenchRecord[]): ChartSpec[] {
  const rs = records.filter((r) => r.status !== 'skipped' && r.memory);
  if (!rs.length) return [];
  const mib = (b: number | null | undefined) => (b == null ? null : b / 2 ** 20);
  return [{
    id: 'chart-memory',
    title: 'Memory',
    caption: 'Peak process RSS sampled during each benchmark and the backend device peak (MiB).',
    config: {
      type: 'bar',
      data: {
        labels: rs.map(at),
        datasets: [
          { label: 'peak RSS', backgroundColor: '#6b7b8c', data: rs.map((r) => mib(r.memory.rssPeakBytes)) },
          { label: 'device peak', backgroundColor: '#2f9e6e', data: rs.map((r) => mib(r.memory.device?.peakBytes)) },
        ],
      },
      options: { scales: { y: axis('MiB', 'linear', { beginAtZero: true }) } },
    },
  }];
}

/** Ceiling polyline of a device: bandwidth × intensity up to the ridge, then the peak (GFLOP/s). */
function ceiling(name: string, peak: number | null, bw: number | null, xs: [number, number], i: number) {
  const pts: { x: number; y: number }[] = [];
  if (bw !== null) {
    const ridge = peak !== null ? peak / bw : xs[1];
    pts.push({ x: xs[0], y: (bw * xs[0]) / 1e9 }, { x: Math.min(ridge, xs[1]), y: (bw * Math.min(ridge, xs[1])) / 1e9 });
  }
  if (peak !== null) pts.push({ x: bw !== null ? Math.min(peak / bw, xs[1]) : xs[0], y: peak / 1e9 }, { x: xs[1], y: peak / 1e9 });
  const what = peak !== null && bw !== null ? 'peak and bandwidth' : peak !== null ? 'peak (bandwidth not measured)' : 'bandwidth (peak not measured)';
  return { type: 'line', label: `${name} ceiling: ${what}`, data: pts, borderColor: colorOf(name, i), borderDash: [6, 4], borderWidth: 2, pointRadius: 0, showLine: true, fill: false };
}

function rooflineChart(records: readonly BenchRecord[], limits: MachineLimits | null): ChartSpec[] {
  const rs = records.filter((r) => measured(r) && r.roofline.intensity && r.achieved?.gflops);
  if (!rs.length) return [];
  const xsAll = rs.map((r) => r.roofline.intensity!);
  const xs: [number, number] = [Math.min(...xsAll) / 4, Math.max(...xsAll) * 4];
  const points = rs.map((r, i) => ({
    type: 'scatter', label: at(r), data: [{ x: r.roofline.intensity, y: r.achieved!.gflops }],
    backgroundColor: colorOf(r.backend, i), borderColor: '#222', pointRadius: 6, pointStyle: r.kind === 'op' ? 'circle' : 'triangle',
  }));
  const devices: [string, number | null, number | null][] = [];
  if (limits) {
    const used = new Set(rs.map((r) => r.backend));
    if (used.has('ref') || used.has('native')) devices.push(['cpu', limits.cpu.peakFlops.value, limits.cpu.bandwidth.value]);
    for (const [d, l] of Object.entries(limits.devices)) if (used.has(d)) devices.push([d, l.peakFlops.value, l.bandwidth.value]);
  }
  const lines = devices.filter(([, p, b]) => p !== null || b !== null).map(([n, p, b], i) => ceiling(n, p, b, xs, i));
  return [{
    id: 'chart-roofline',
    title: 'Roofline',
    caption: 'Arithmetic intensity (FLOP/byte) against achieved GFLOP/s, log-log. Dashed lines: the measured ceilings of each device (bandwidth slope, then peak). Circles are ops, triangles models.',
    config: { type: 'scatter', data: { datasets: [...lines, ...points] }, options: { scales: { x: axis('arithmetic intensity (FLOP/byte)', 'logarithmic'), y: axis('GFLOP/s', 'logarithmic') } } },
  }];
}

function deltaChart(cs: readonly Comparison[]): ChartSpec[] {
  const rs = cs.filter((c) => c.change !== null);
  if (!rs.length) return [];
  const color = { faster: '#2f9e6e', slower: '#c0392b', unchanged: '#9aa5b1', 'insufficient data': '#ddd' } as const;
  return [{
    id: 'chart-delta',
    title: 'Change in median latency (new vs base)',
    caption: 'Negative is faster. Green: faster, red: slower, grey: within noise or below the threshold.',
    config: {
      type: 'bar',
      data: { labels: rs.map((c) => c.label), datasets: [{ label: 'change in median latency (%)', data: rs.map((c) => 100 * c.change!), backgroundColor: rs.map((c) => color[c.verdict]) }] },
      options: { indexAxis: 'y', plugins: { legend: { display: false } }, scales: { x: axis('% change in median latency') } },
    },
  }];
}

export interface ChartSet {
  /** Small charts shown side by side (throughput per model and mode). */
  throughput: ChartSpec[];
  performance: ChartSpec[];
  roofline: ChartSpec[];
  comparison: ChartSpec[];
}

export function buildCharts(records: readonly BenchRecord[], limits: MachineLimits | null, cs: readonly Comparison[] | null): ChartSet {
  return {
    throughput: throughputCharts(records),
    performance: [...fractionChart(records), ...latencyChart(records), ...firstRunChart(records), ...memoryChart(records)],
    roofline: rooflineChart(records, limits),
    comparison: cs ? deltaChart(cs) : [],
  };
}

/** The inline script: reads the JSON block, registers the error-bar plugin, draws every chart. */
export const CLIENT_SCRIPT = `
(function () {
  'use strict';
  var specs = JSON.parse(document.getElementById('zoo-data').textContent).charts;
  var errorBars = {
    id: 'zooErrorBars',
    afterDatasetsDraw: function (chart) {
      var ctx = chart.ctx, y = chart.scales.y;
      chart.data.datasets.forEach(function (ds, i) {
        if (!ds.errorBars || !chart.isDatasetVisible(i)) return;
        chart.getDatasetMeta(i).data.forEach(function (bar, j) {
          var ci = ds.errorBars[j];
          if (!ci) return;
          var lo = y.getPixelForValue(ci[0]), hi = y.getPixelForValue(ci[1]), cap = Math.min(8, bar.width / 3);
          ctx.save();
          ctx.strokeStyle = '#111'; ctx.lineWidth = 1.5;
          ctx.beginPath();
          ctx.moveTo(bar.x, lo); ctx.lineTo(bar.x, hi);
          ctx.moveTo(bar.x - cap, lo); ctx.lineTo(bar.x + cap, lo);
          ctx.moveTo(bar.x - cap, hi); ctx.lineTo(bar.x + cap, hi);
          ctx.stroke();
          ctx.restore();
        });
      });
    }
  };
  Chart.defaults.animation = false;
  Chart.defaults.responsive = true;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  // Datasets marked zooNoLegend (the edges of a min–max band) stay out of the legend.
  Chart.defaults.plugins.legend.labels.filter = function (item, data) { var ds = data.datasets[item.datasetIndex]; return !(ds && ds.zooNoLegend); };
  var drawn = 0;
  specs.forEach(function (spec) {
    var canvas = document.getElementById(spec.id);
    if (!canvas) return;
    var config = spec.config;
    config.plugins = [errorBars];
    new Chart(canvas, config);
    drawn++;
  });
  window.__zooCharts = drawn;
})();
`;
