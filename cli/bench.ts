// zoo bench: model and single-kernel benchmarks with validation, adaptive sampling, machine limits
// and a versioned results file (suites/harness/bench/ does the work).
import { InvalidArgumentError, type Command } from 'commander';
import { formatLimits, formatModels, formatNotes, formatOps } from '../suites/harness/bench/format.js';
import { GEMM_SUITE, formatGemm } from '../suites/harness/bench/gemm.js';
import { runBench } from '../suites/harness/bench/run.js';
import { MODELS } from '../zoo/index.js';
import { parseIntOption, parseList } from './util.js';

interface BenchOpts {
  model?: string[];
  op?: string[];
  backend?: string[];
  preset: string;
  mode: string[];
  batch?: number;
  seq?: number;
  shape?: number[][];
  attrs?: unknown;
  dtype: string;
  threads?: number;
  minTime?: number;
  maxTime?: number;
  warmup?: number;
  targetSpread: number;
  seed: number;
  json?: string;
  repeatAa?: boolean;
  limits: boolean;
  inCache?: boolean;
  suite?: string;
}

/** '1024x1024,1024x1024' → [[1024, 1024], [1024, 1024]]; '()' is a scalar. */
export function parseShapes(value: string): number[][] {
  const parts = value.split(',').map((s) => s.trim());
  return parts.map((p) => {
    if (p === '()' || p === 'scalar') return [];
    if (!/^\d+(x\d+)*$/.test(p)) throw new InvalidArgumentError(`--shape: '${p}' is not a shape (dims joined by x, inputs by commas, e.g. '1024x1024,1024x1024'; '()' for a scalar)`);
    return p.split('x').map(Number);
  });
}

function parseSeconds(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!value.trim() || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`${name} must be a number of seconds >= 0, got '${value}'`);
    return n;
  };
}

function parseFraction(value: string): number {
  const n = Number(value);
  if (!value.trim() || !(n > 0 && n < 1)) throw new InvalidArgumentError(`--target-spread must be a fraction in (0, 1), got '${value}'`);
  return n;
}

function parseJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch (err) {
    throw new InvalidArgumentError(`--attrs is not valid JSON (${(err as Error).message})`);
  }
}

export function registerBench(program: Command): void {
  program
    .command('bench')
    .description('benchmark models (train, infer, decode) or single ops; validated against ref, with CIs, roofline and a results file')
    .option('--model <names>', 'comma-separated models to benchmark', parseList)
    .option('--op <names>', 'comma-separated ops to benchmark (needs --shape)', parseList)
    .option('--suite <name>', "a named benchmark set: 'gemm' (native sgemm: 1024³ on all threads and 1 thread, transformer projection shapes; % of the peak of the threads used)")
    .option('--shape <shapes>', "op input shapes: dims joined by x, inputs by commas ('1024x1024,1024x1024')", parseShapes)
    .option('--attrs <json>', 'op attributes as JSON (e.g. \'{"axis":-1}\')', parseJson)
    .option('--backend <names>', 'backends to benchmark (default: the fastest available: native > webgpu > ref)', parseList)
    .option('--preset <name>', 'model preset', 'bench')
    .option('--mode <modes>', 'model modes: train, infer, decode', parseList, ['train', 'infer'])
    .option('--batch <B>', 'override the preset batch size', parseIntOption('--batch', 1))
    .option('--seq <T>', 'override the preset sequence length', parseIntOption('--seq', 1))
    .option('--dtype <dtype>', 'dtype of op float inputs', 'float32')
    .option('--threads <N>', 'native thread pool size', parseIntOption('--threads', 1))
    .option('--min-time <S>', 'sample at least this long per benchmark (default: models 2, ops 0.5)', parseSeconds('--min-time'))
    .option('--max-time <S>', 'stop sampling after this long, once 3 samples are in (default: models 10, ops 3)', parseSeconds('--max-time'))
    .option('--warmup <S>', 'warm-up duration per benchmark (default: models 1, ops 0.25)', parseSeconds('--warmup'))
    .option('--target-spread <x>', 'stop sampling once (p75 - p25) / median is below this', parseFraction, 0.05)
    .option('--seed <n>', 'seed of weights, data, inputs and the bootstrap', parseIntOption('--seed', 0), 0)
    .option('--repeat-aa', 'measure each benchmark twice back to back and record the difference (the noise zoo compare uses)')
    .option('--in-cache', 'op benchmarks: time one input set over and over (data in cache) and report % bw of the in-cache triad bound')
    .option('--no-limits', 'do not measure the machine limits (no fractions of peak or roofline bound)')
    .option('--json <file>', 'results file to write (default: out/bench-<time>.json)')
    .action(async (o: BenchOpts) => {
      const run = await runBench({
        models: o.model ?? [], ops: o.op ?? [], ...(o.backend ? { backends: o.backend } : {}), preset: o.preset, modes: o.mode,
        ...(o.batch !== undefined ? { batch: o.batch } : {}), ...(o.seq !== undefined ? { seq: o.seq } : {}),
        ...(o.shape ? { shapes: o.shape } : {}), attrs: o.attrs ?? {}, dtype: o.dtype,
        ...(o.threads !== undefined ? { threads: o.threads } : {}),
        ...(o.minTime !== undefined ? { minTimeS: o.minTime } : {}), ...(o.maxTime !== undefined ? { maxTimeS: o.maxTime } : {}),
        ...(o.warmup !== undefined ? { warmupS: o.warmup } : {}),
        targetSpread: o.targetSpread, repeatAA: !!o.repeatAa, seed: o.seed, limits: o.limits, ...(o.inCache ? { inCache: true } : {}), ...(o.suite ? { suite: o.suite } : {}),
        json: o.json ?? `out/bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`,
      }, MODELS);
      const { file } = run;
      console.log(formatLimits(file.limits));
      const models = file.benchmarks.filter((r) => r.kind === 'model'), ops = file.benchmarks.filter((r) => r.kind === 'op');
      if (models.length) console.log(`\n${formatModels(models)}`);
      const suiteOps = o.suite === 'gemm' ? ops.slice(0, GEMM_SUITE.length) : [];
      if (suiteOps.length) console.log(`\nGEMM (native sgemm, float32; % of the FMA peak of the threads used)\n${formatGemm(GEMM_SUITE, suiteOps)}`);
      if (ops.length > suiteOps.length) console.log(`\n${formatOps(ops.slice(suiteOps.length))}`);
      const notes = [...run.notes, ...formatNotes(file.benchmarks)];
      if (notes.length) console.log(`\n${notes.map((n) => `note: ${n}`).join('\n')}`);
      const s = file.summary;
      console.log(`\n${s.ok} ok, ${s.failed} failed, ${s.skipped} skipped in ${s.seconds.toFixed(1)} s${file.partial ? ' (interrupted: partial results)' : ''}; results: ${run.path}`);
      process.exitCode = run.interrupted ? 130 : s.failed ? 1 : 0;
    });
}
