// zoo list: every op (family, second-order check, kernel per backend), models (family, presets,
// data) and backends.
import type { Command } from 'commander';
import { OPS, OP_NAMES, backendNames, backendStatus, getBackend, initWebGPU } from '../engine/index.js';
import { MODELS } from '../zoo/index.js';
import { table } from './util.js';

/** Every registered model: family, presets and what its data source serves (built from the tiny preset). */
function models() {
  return Object.values(MODELS).map((def) => ({
    name: def.name, family: def.family, doc: def.doc, presets: Object.keys(def.presets),
    data: def.data(def.presets.tiny, { seed: 0 }).description,
  }));
}

export function registerList(program: Command): void {
  program
    .command('list')
    .description('list ops (with the backends that have a kernel for each), models and backends')
    .option('--json', 'print JSON instead of tables')
    .action(async (opts: { json?: boolean }) => {
      await initWebGPU(); // asynchronous start-up; unavailable is reported below like any backend
      const backends = backendNames().map((n) => backendStatus(n));
      const live = backends.filter((b) => b.available).map((b) => getBackend(b.name));
      const ops = OP_NAMES.map((name) => {
        const def = OPS[name];
        const kernels = Object.fromEntries(live.map((b) => [b.name, b.hasKernel(name) ? 'kernel' : def.decompose ? 'decomposition' : 'missing']));
        return { name, family: def.family, differentiable: !!def.vjp, secondOrder: def.check.secondOrder, doc: def.doc, kernels };
      });
      if (opts.json) {
        console.log(JSON.stringify({ ops, models: models(), backends }, null, 2));
        return;
      }
      const mark = (k: string) => (k === 'kernel' ? 'yes' : k === 'decomposition' ? 'decomp' : '-');
      console.log(`ops (${ops.length}):`);
      console.log(table(['op', 'family', 'grad', '2nd order', ...live.map((b) => b.name)], ops.map((o) => [o.name, o.family, o.differentiable ? 'yes' : '-', o.secondOrder ? 'yes' : '-', ...live.map((b) => mark(o.kernels[b.name]!))])));
      const ms = models();
      console.log(`\nmodels (${ms.length}):`);
      console.log(table(['model', 'family', 'presets', 'data'], ms.map((m) => [m.name, m.family, m.presets.join(', '), m.data])));
      console.log('\nbackends:');
      console.log(table(['backend', 'available', 'why not'], backends.map((b) => [b.name, b.available ? 'yes' : 'no', b.reason ?? ''])));
    });
}
