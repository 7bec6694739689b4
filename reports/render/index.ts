// `zoo report`: results files in, one HTML page or a markdown summary out.
import { buildCharts } from './charts.js';
import { renderHtml } from './html.js';
import { loadReportInputs } from './inputs.js';
import { renderMarkdown } from './markdown.js';
import { reportModel } from './model.js';

export interface ReportOptions {
  base?: string;
  title?: string;
  format: 'html' | 'md';
  /** Fixed render time (tests); default now. */
  generated?: string;
}

export function renderReport(paths: readonly string[], o: ReportOptions): string {
  const model = reportModel(loadReportInputs(paths, o.base), o.title ?? 'zoo report', o.generated);
  if (o.format === 'md') return renderMarkdown(model);
  return renderHtml(model, buildCharts(model.records, model.limits, model.comparison));
}
