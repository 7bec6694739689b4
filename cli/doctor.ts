// zoo doctor: the environment and, for every backend, whether it loads and why not.
import type { Command } from 'commander';
import os from 'node:os';
import { backendNames, backendStatus, getBackend, initWebGPU, requiredBackends, type WebGPUStatus } from '../engine/index.js';
import { environment } from '../suites/harness/env.js';
import { table } from './util.js';

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('show the environment and why any backend is unavailable (exit 1 if a ZOO_REQUIRE backend is missing)')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const env = environment();
      // WebGPU hands out adapters asynchronously: start it (or learn why it cannot start) first.
      const webgpu = await initWebGPU();
      const backends = backendNames().map((n) => {
        const s = backendStatus(n);
        // A backend may describe itself (native: the CPU path chosen at load time and its threads).
        const detail = s.available ? (getBackend(n) as { describe?: () => string }).describe?.() : undefined;
        return detail ? { ...s, detail } : s;
      });
      const required = requiredBackends();
      const missing = required.filter((r) => !backends.find((b) => b.name === r && b.available));
      if (opts.json) {
        console.log(JSON.stringify({ environment: env, backends, webgpu: webgpu.adapter ?? null, required, missing }, null, 2));
      } else {
        console.log(`node      ${env.node}`);
        console.log(`os        ${env.os}`);
        console.log(`cpu       ${env.cpu.model} (${env.cpu.cores} logical cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB)`);
        console.log(`features  ${env.cpu.features.join(' ') || '(none detected)'}`);
        console.log(`git       ${env.git.commit ?? 'not a git checkout'}${env.git.dirty ? ' (dirty)' : ''}`);
        console.log('');
        console.log(table(['backend', 'available', 'details / why not'], backends.map((b) => [b.name, b.available ? 'yes' : 'no', b.available ? (b.detail ?? '') : (b.reason ?? '')])));
        printAdapter(webgpu);
        if (required.length) console.log(`\nZOO_REQUIRE=${required.join(',')}: ${missing.length ? `missing ${missing.join(', ')}` : 'all present'}`);
      }
      for (const r of required) {
        if (!backends.some((b) => b.name === r)) console.error(`zoo doctor: ZOO_REQUIRE names unknown backend '${r}'`);
      }
      if (missing.length) process.exitCode = 1;
    });
}

/** The WebGPU adapter: identity, how it was chosen, the features requested and the limits that matter. */
function printAdapter(s: WebGPUStatus): void {
  if (!s.adapter) return;
  const a = s.adapter;
  const keys = ['maxBufferSize', 'maxStorageBufferBindingSize', 'maxComputeWorkgroupStorageSize', 'maxComputeInvocationsPerWorkgroup', 'maxComputeWorkgroupsPerDimension', 'maxStorageBuffersPerShaderStage'];
  console.log('\nwebgpu adapter');
  console.log(table(['property', 'value'], [
    ['device', `${a.description || a.device} (${a.vendor}/${a.architecture})`],
    ['fallback adapter', a.isFallbackAdapter ? 'yes (software)' : 'no'],
    ['chosen', a.selection],
    ['subgroup size', a.subgroupMinSize === null ? '-' : `${a.subgroupMinSize}..${a.subgroupMaxSize}`],
    ['features used', ['timestamp-query', 'subgroups', 'shader-f16'].map((f) => `${f}: ${a.features.includes(f) ? 'yes' : 'no'}`).join(', ')],
    ...keys.map((k) => [k, String(a.limits[k] ?? '-')]),
  ]));
}
