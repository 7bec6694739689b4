// zoo compare: two bench results files, benchmark by benchmark (suites/harness/bench/compare.ts);
// exit 1 when anything is slower, so CI can gate on it.
import { InvalidArgumentError, type Command } from 'commander';
import { ResultsFileError, readResults } from '../reports/io.js';
import { BENCH_SCHEMA, BENCH_VERSION, type BenchResultsFile } from '../reports/schema.js';
import { compareFiles, counts, formatMarkdown, formatText } from '../suites/harness/bench/compare.js';
import { checkChoices } from './util.js';

/** '5%' or '5' → 0.05. */
function parseThreshold(value: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(value);
  if (!m) throw new InvalidArgumentError(`--threshold must be a percentage such as 5% or 2.5, got '${value}'`);
  return Number(m[1]) / 100;
}

function load(path: string): BenchResultsFile {
  const f = readResults<BenchResultsFile>(path, BENCH_SCHEMA, BENCH_VERSION);
  if (!Array.isArray(f.benchmarks)) throw new ResultsFileError(`${path}: has no benchmarks array`);
  return f;
}

export function registerCompare(program: Command): void {
  program
    .command('compare')
    .description('compare two bench results files: faster / slower / unchanged per benchmark (exit 1 when anything is slower)')
    .argument('<base>', 'baseline results file (zoo bench --json)')
    .argument('<new>', 'results file to compare with the baseline')
    .option('--threshold <pct>', 'smallest change that counts (default: the A/A noise the files carry, else 5%)', parseThreshold)
    .option('--format <format>', 'text or md (a markdown summary for pull requests)', 'text')
    .action((basePath: string, newPath: string, o: { threshold?: number; format: string }) => {
      checkChoices('format', [o.format], ['text', 'md']);
      const cs = compareFiles(load(basePath), load(newPath), o.threshold);
      console.log(o.format === 'md' ? formatMarkdown(cs, basePath, newPath) : formatText(cs));
      process.exitCode = counts(cs).slower > 0 ? 1 : 0;
    });
}
