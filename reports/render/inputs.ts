// Loading the results files a report renders: each file is recognized by its `schema` field and
// read through reports/io.ts (schema and version checks). Reports never re-run anything.
import { ResultsFileError, readJsonFile, readResults } from '../io.js';
import {
  BENCH_SCHEMA, BENCH_VERSION, CHECK_SCHEMA, CHECK_VERSION, EXPERIMENT_SCHEMA, EXPERIMENT_VERSION, PARITY_SCHEMA, PARITY_VERSION,
  type BenchResultsFile, type CheckResultsFile, type ExperimentResultsFile, type ParityResultsFile,
} from '../schema.js';
import { checkExperimentFile } from './experiment.js';

export type LoadedFile =
  | { path: string; kind: 'check'; file: CheckResultsFile }
  | { path: string; kind: 'bench'; file: BenchResultsFile }
  | { path: string; kind: 'parity'; file: ParityResultsFile }
  | { path: string; kind: 'experiment'; file: ExperimentResultsFile };

export interface ReportInputs {
  files: LoadedFile[];
  /** A base and a new bench run to compare (--base, or exactly two bench files). */
  comparison: { base: { path: string; file: BenchResultsFile }; next: { path: string; file: BenchResultsFile } } | null;
}

const KNOWN: Record<string, { version: number; kind: LoadedFile['kind']; array: string }> = {
  [CHECK_SCHEMA]: { version: CHECK_VERSION, kind: 'check', array: 'results' },
  [BENCH_SCHEMA]: { version: BENCH_VERSION, kind: 'bench', array: 'benchmarks' },
  [PARITY_SCHEMA]: { version: PARITY_VERSION, kind: 'parity', array: 'results' },
  [EXPERIMENT_SCHEMA]: { version: EXPERIMENT_VERSION, kind: 'experiment', array: 'runs' },
};

/** The `schema` a file declares, with the same one-line errors as readResults for unreadable files. */
function declaredSchema(path: string): string {
  const value = readJsonFile(path);
  const schema = (value as { schema?: unknown } | null)?.schema;
  if (typeof schema !== 'string' || !(schema in KNOWN)) {
    throw new ResultsFileError(`${path}: schema is ${JSON.stringify(schema)}, expected one of ${Object.keys(KNOWN).map((s) => `"${s}"`).join(', ')}`);
  }
  return schema;
}

export function loadResultsFile(path: string): LoadedFile {
  const schema = declaredSchema(path);
  const k = KNOWN[schema]!;
  const file = readResults<{ schema: string; version: number }>(path, schema, k.version);
  if (!Array.isArray((file as unknown as Record<string, unknown>)[k.array])) throw new ResultsFileError(`${path}: has no ${k.array} array`);
  if (typeof (file as { environment?: unknown }).environment !== 'object') throw new ResultsFileError(`${path}: has no environment`);
  if (k.kind === 'experiment') checkExperimentFile(path, file as ExperimentResultsFile);
  return { path, kind: k.kind, file } as LoadedFile;
}

function asBench(f: LoadedFile, role: string): { path: string; file: BenchResultsFile } {
  if (f.kind !== 'bench') throw new ResultsFileError(`${f.path}: ${role} must be a ${BENCH_SCHEMA} file, got ${f.file.schema}`);
  return { path: f.path, file: f.file };
}

/** Reads every file; the comparison is --base vs the (single) bench file, or the two bench files given. */
export function loadReportInputs(paths: readonly string[], basePath?: string): ReportInputs {
  const files = paths.map(loadResultsFile);
  const benches = files.filter((f) => f.kind === 'bench');
  if (basePath !== undefined) {
    const base = asBench(loadResultsFile(basePath), '--base');
    if (benches.length !== 1) throw new ResultsFileError(`--base ${basePath}: give exactly one bench results file to compare with it (got ${benches.length})`);
    return { files, comparison: { base, next: asBench(benches[0]!, 'the new run') } };
  }
  if (benches.length === 2) return { files, comparison: { base: asBench(benches[0]!, 'base'), next: asBench(benches[1]!, 'new') } };
  return { files, comparison: null };
}
