// zoo sample: rebuilds a model saved by `zoo train --save` (its config is in the file's
// __metadata__), loads the weights and generates text with the model's KV-cache decoding.
// Text models in the zoo are byte-level (zoo/data/names.ts): the prompt is encoded as UTF-8 bytes
// after the boundary token '\n', so "Al" asks for names that start with "Al".
import type { Command } from 'commander';
import { Generator, type Module } from '../engine/index.js';
import { readTrainedInfo, loadTrained } from '../suites/harness/trainer.js';
import { NAME_BOUNDARY, decodeTokens, encodeText } from '../zoo/data/names.js';
import { MODEL_NAMES } from '../zoo/index.js';
import { defaultCpuBackend, parseNumberOption, resolveModel } from './train.js';
import { UsageError, checkChoices, parseIntOption } from './util.js';

interface SampleOpts {
  model?: string;
  load: string;
  backend?: string;
  prompt: string;
  tokens: number;
  temperature: number;
  topK?: number;
  seed: number;
}

/** What `zoo sample` needs of a model (the gpt model's KV-cache generation). */
interface Generative extends Module {
  generate(prompt: readonly number[], opts: { maxNewTokens: number; temperature?: number; topK?: number; gen: Generator }): Promise<number[]>;
}

const canGenerate = (m: Module): m is Generative => typeof (m as Module & { generate?: unknown }).generate === 'function';

async function runSample(opts: SampleOpts): Promise<void> {
  if (opts.model !== undefined) checkChoices('model', [opts.model], MODEL_NAMES);
  const info = readTrainedInfo(opts.load);
  if (opts.model !== undefined && opts.model !== info.model) {
    throw new UsageError(`--model ${opts.model}: ${opts.load} holds a '${info.model}' model (preset ${info.preset})`);
  }
  const backend = opts.backend ?? defaultCpuBackend(info.dtype);
  const { def } = await resolveModel(opts.model ?? info.model, info.preset, backend);
  const model = loadTrained(def, opts.load, info, backend);
  if (!canGenerate(model)) throw new UsageError(`model '${def.name}' does not generate text (it has no generate())`);
  const prompt = opts.prompt.startsWith(NAME_BOUNDARY) ? opts.prompt : NAME_BOUNDARY + opts.prompt;
  const out = await model.generate(encodeText(prompt), {
    maxNewTokens: opts.tokens, temperature: opts.temperature, gen: new Generator(opts.seed),
    ...(opts.topK !== undefined ? { topK: opts.topK } : {}),
  });
  process.stdout.write(`${prompt.slice(NAME_BOUNDARY.length)}${decodeTokens(out)}\n`);
}

export function registerSample(program: Command): void {
  program
    .command('sample')
    .description("generate text from a model saved by 'zoo train --save' (KV-cache decoding)")
    .requiredOption('--load <file>', "safetensors file written by 'zoo train --save'")
    .option('--model <name>', `model the file must hold (${MODEL_NAMES.join(', ')}; default: the one it holds)`)
    .option('--backend <name>', 'backend to run on (default: native when available, else ref)')
    .option('--prompt <text>', 'text to continue (default: the start of a name)', '')
    .option('--tokens <n>', 'tokens to generate', parseIntOption('--tokens', 0), 200)
    .option('--temperature <t>', 'sampling temperature (0: greedy)', parseNumberOption('--temperature', 0, true), 1)
    .option('--top-k <k>', 'sample among the k most likely tokens', parseIntOption('--top-k', 1))
    .option('--seed <n>', 'seed of the draws', parseIntOption('--seed', 0), 0)
    .action(runSample);
}
