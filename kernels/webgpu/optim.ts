// Fused optimizer steps (kernels/wgsl/{sgd,adam}_step.wgsl): one dispatch per parameter, one
// invocation per element. The storage bindings are the tensors present (momentum buffer, v̂), so
// Adam without amsgrad needs 7 storage buffers and with it 9: past the adapter's
// maxStorageBuffersPerShaderStage the op runs as its decomposition instead (counted fallback).
import { adamScalars, type AdamStepAttrs } from '../../engine/ops/optim/adam_step.js';
import { sgdHasBufferInput, type SgdStepAttrs } from '../../engine/ops/optim/sgd_step.js';
import { sizeOf } from '../../engine/shape.js';
import type { KernelContext, WebGPUKernel } from './kernel.js';
import { params, type Params } from './program.js';
import type { GpuStorage } from './storage.js';
import { fillTemplate, wgslSource } from './wgsl.js';

/** Storage bindings in order: the read-only arrays, then the written ones (all f32). */
function bindings(read: readonly string[], written: readonly string[]): string {
  const decl = (name: string, k: number, access: string) => `@group(0) @binding(${k}) var<storage, ${access}> ${name}: array<f32>;`;
  return [...read.map((n, k) => decl(n, k, 'read')), ...written.map((n, k) => decl(n, read.length + k, 'read_write'))].join('\n');
}

/** Whether the adapter can bind `count` storage buffers in one shader stage. */
const fits = (ctx: KernelContext, count: number): boolean => count <= ctx.rt.limits.maxStorageBuffersPerShaderStage;

/** Records one elementwise dispatch over `n` elements. */
function run(ctx: KernelContext, name: string, template: Record<string, string>, read: [string, GpuStorage][], written: [string, GpuStorage][], p: Params, n: number): void {
  if (n === 0) return;
  const code = fillTemplate(wgslSource(`${name}.wgsl`), {
    ...template,
    BINDINGS: bindings(read.map(([k]) => k), written.map(([k]) => k)),
    PARAMS_BINDING: String(read.length + written.length),
  });
  ctx.dispatch({ name, code, inputs: read.map(([, s]) => s), outputs: written.map(([, s]) => s), params: p, workgroups: Math.ceil(n / 64) });
}

const MOMENTUM_FIRST = '  let b = d;\n  buf_out[i] = b;\n';
const MOMENTUM_RUNNING = '  let b = buf[i] * P.momentum + d * P.keep;\n  buf_out[i] = b;\n';

export const sgdStep: WebGPUKernel<SgdStepAttrs> = (ctx, [p, g, buf], a, outs) => {
  const n = sizeOf(outs[0]!.shape);
  const on = a.momentum !== 0;
  const read: [string, GpuStorage][] = [['p', p!.storage], ['g', g!.storage]];
  if (sgdHasBufferInput(a)) read.push(['buf', buf!.storage]);
  if (!fits(ctx, read.length + outs.length)) return null;
  const written: [string, GpuStorage][] = outs.map((o, k) => [k === 0 ? 'p_out' : 'buf_out', ctx.alloc(o)]);
  const momentum = !on ? '' : (a.first ? MOMENTUM_FIRST : MOMENTUM_RUNNING) + (a.nesterov ? '  d = d + b * P.momentum;' : '  d = b;');
  const P = params().u32(n).f32(a.lr).f32(a.momentum).f32(1 - a.dampening).f32(a.weightDecay).f32(a.maximize ? -1 : 1);
  run(ctx, 'sgd_step', { L2: String(a.weightDecay !== 0), MOMENTUM: momentum }, read, written, P, n);
  return written.map(([, s]) => s);
};

const AMSGRAD = '  vh = max_nan(v_max[i], v1);\n  v_max_out[i] = vh;';

export const adamStep: WebGPUKernel<AdamStepAttrs> = (ctx, [p, g, m, v, vMax], a, outs) => {
  const n = sizeOf(outs[0]!.shape);
  const read: [string, GpuStorage][] = [['p', p!.storage], ['g', g!.storage], ['m', m!.storage], ['v', v!.storage]];
  if (a.amsgrad) read.push(['v_max', vMax!.storage]);
  if (!fits(ctx, read.length + outs.length)) return null;
  const names = ['p_out', 'm_out', 'v_out', 'v_max_out'];
  const written: [string, GpuStorage][] = outs.map((o, k) => [names[k]!, ctx.alloc(o)]);
  const { stepSize, bc2Sqrt } = adamScalars(a);
  const decay = a.decoupled && a.weightDecay !== 0 ? 1 - a.lr * a.weightDecay : 1;
  const P = params()
    .u32(n).f32(a.maximize ? -1 : 1).f32(a.weightDecay).f32(decay)
    .f32(a.beta1).f32(1 - a.beta1).f32(a.beta2).f32(1 - a.beta2)
    .f32(a.eps).f32(stepSize).f32(bc2Sqrt);
  const l2 = !a.decoupled && a.weightDecay !== 0;
  run(ctx, 'adam_step', { L2: String(l2), AMSGRAD: a.amsgrad ? AMSGRAD : '' }, read, written, P, n);
  return written.map(([, s]) => s);
};

export const OPTIM = {
  sgd_step: sgdStep,
  adam_step: adamStep,
} as const;
