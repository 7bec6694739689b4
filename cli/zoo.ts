#!/usr/bin/env node
// The `zoo` command. Commands live one per file; this file wires them up and turns every expected
// failure into one line on stderr: exit 2 for bad usage, 1 for failed checks.
import { Command, CommanderError } from 'commander';
import { ZooError } from '../engine/index.js';
import { ResultsFileError } from '../reports/io.js';
import { registerBench } from './bench.js';
import { registerCheck } from './check.js';
import { registerCompare } from './compare.js';
import { registerDoctor } from './doctor.js';
import { registerExperiment } from './experiment.js';
import { registerList } from './list.js';
import { registerParity } from './parity.js';
import { registerReport } from './report.js';
import { registerSample } from './sample.js';
import { registerTrain } from './train.js';
import { UsageError } from './util.js';

export function buildProgram(): Command {
  const program = new Command('zoo')
    .description('model-zoo benchmarking and verification harness: gradient checks, parity, benchmarks, reports')
    .version('0.1.0')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ outputError: () => {} })
    .option('--adapter <name>', 'WebGPU adapter: a substring of its device name (default: the first hardware adapter, else SwiftShader)')
    .hook('preAction', () => {
      const adapter = program.opts<{ adapter?: string }>().adapter;
      if (adapter) process.env['ZOO_WEBGPU_ADAPTER'] = adapter;
    });
  registerList(program);
  registerCheck(program);
  registerParity(program);
  registerDoctor(program);
  registerTrain(program);
  registerSample(program);
  registerBench(program);
  registerCompare(program);
  registerReport(program);
  registerExperiment(program);
  for (const cmd of program.commands) cmd.exitOverride().configureOutput({ outputError: () => {} });
  return program;
}

function fail(message: string, code: number): never {
  process.stderr.write(`zoo: ${message.replace(/\s*\n\s*/g, ' ').trim()}\n`);
  process.exit(code);
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.exitCode === 0) return;
      fail(err.message.replace(/^error: /, ''), 2);
    }
    if (err instanceof UsageError || err instanceof ZooError || err instanceof ResultsFileError) fail(err.message, 2);
    if (process.env['ZOO_DEBUG']) throw err;
    fail(`internal error: ${err instanceof Error ? err.message : String(err)} (set ZOO_DEBUG=1 for the stack)`, 1);
  }
}

await main(process.argv);
