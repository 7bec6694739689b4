// What a report is made of, computed once from the inputs for both renderers.
import { compareFiles, type Comparison } from '../../suites/harness/bench/compare.js';
import type { BenchRecord, MachineLimits } from '../schema.js';
import type { LoadedFile, ReportInputs } from './inputs.js';
import { summarize, type Summary } from './summary.js';

export interface ReportModel {
  title: string;
  /** When the report was rendered (the results' own dates are in the environment section). */
  generated: string;
  inputs: ReportInputs;
  /** The files whose results are shown: every input except the base of a comparison. */
  shown: LoadedFile[];
  /** Every benchmark record of the shown bench files, grouped: models, then ops; backends in a fixed order. */
  records: BenchRecord[];
  /** The machine limits of the first bench file (roofline ceilings). */
  limits: MachineLimits | null;
  comparison: Comparison[] | null;
  summary: Summary;
}

const BACKEND_ORDER = ['ref', 'native', 'webgpu'];
const backendRank = (b: string) => (BACKEND_ORDER.includes(b) ? BACKEND_ORDER.indexOf(b) : BACKEND_ORDER.length);
const MODE_ORDER = ['train', 'infer', 'decode', 'op'];

/** Models before ops, then by name, mode, configuration, and backend (ref, native, webgpu, others). */
function sortRecords(rs: readonly BenchRecord[]): BenchRecord[] {
  const key = (r: BenchRecord): [number, string, number, string, number] => [r.kind === 'model' ? 0 : 1, r.name, MODE_ORDER.indexOf(r.mode), r.key.replace(`|${r.backend}`, ''), backendRank(r.backend)];
  return [...rs].sort((a, b) => {
    const ka = key(a), kb = key(b);
    for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i]! < kb[i]! ? -1 : 1;
    return 0;
  });
}

export function reportModel(inputs: ReportInputs, title: string, generated = new Date().toISOString()): ReportModel {
  const benches = inputs.files.flatMap((f) => (f.kind === 'bench' ? [f.file] : []));
  const comparison = inputs.comparison ? compareFiles(inputs.comparison.base.file, inputs.comparison.next.file) : null;
  // Two bench files compared with each other: the performance section shows the new one.
  const shown = inputs.comparison && benches.length === 2 ? [inputs.comparison.next.file] : benches;
  const shownFiles = inputs.files.filter((f) => f.kind !== 'bench' || shown.includes(f.file));
  return {
    title,
    generated,
    inputs,
    shown: shownFiles,
    records: sortRecords(shown.flatMap((f) => f.benchmarks)),
    limits: shown[0]?.limits ?? null,
    comparison,
    summary: summarize({ ...inputs, files: shownFiles }, comparison),
  };
}
