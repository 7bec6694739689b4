// Normalization kernels on WGSL: batch_norm, group_norm and instance_norm forward (one invocation
// per statistics group, kernels.md §3.4), and the fused backward of layer_norm and rms_norm (a
// workgroup per row for dX, then one invocation per column for dWeight/dBias). layer_norm and
// rms_norm forward are in rows.ts.
import type { TensorMeta } from '../../engine/backend.js';
import type { BatchNormAttrs } from '../../engine/ops/nn/batch_norm.js';
import type { GroupNormAttrs } from '../../engine/ops/nn/group_norm.js';
import type { InstanceNormAttrs } from '../../engine/ops/nn/instance_norm.js';
import type { LayerNormAttrs } from '../../engine/ops/nn/layer_norm.js';
import { affineInputs, resolveEps, rmsEps } from '../../engine/ops/nn/norm-util.js';
import type { RmsNormAttrs } from '../../engine/ops/nn/rms_norm.js';
import { sizeOf } from '../../engine/shape.js';
import type { GpuArg, KernelContext, WebGPUKernel } from './kernel.js';
import { params, type Params } from './program.js';
import type { GpuStorage } from './storage.js';
import { fillTemplate, wgslSource } from './wgsl.js';

const read = (b: number, name: string) => `@group(0) @binding(${b}) var<storage, read> ${name}: array<f32>;`;
const write = (b: number, name: string) => `@group(0) @binding(${b}) var<storage, read_write> ${name}: array<f32>;`;

/** Read bindings `names` from binding 1, then `out`, and aff(c, v) = v·weight[c] + bias[c] for those present. */
function affineSource(names: readonly string[]): string {
  const lines = names.map((n, i) => read(1 + i, n));
  lines.push(write(1 + names.length, 'out'));
  const w = names.includes('weight'), b = names.includes('bias');
  lines.push(`fn aff(c: u32, v: f32) -> f32 {\n  return v${w ? ' * weight[c]' : ''}${b ? ' + bias[c]' : ''};\n}`);
  return lines.join('\n');
}

/** One dispatch of a forward norm kernel: x, the parameter storages named `names`, one output. */
function forward(ctx: KernelContext, op: string, x: GpuArg, extra: readonly [string, GpuArg | undefined][], o: TensorMeta, p: Params, units: number, fill: Record<string, string> = {}): GpuStorage[] {
  const out = ctx.alloc(o);
  if (sizeOf(o.shape) === 0 || units === 0) return [out];
  const present = extra.filter(([, a]) => a) as [string, GpuArg][];
  const code = fillTemplate(wgslSource(`${op}.wgsl`), { AFFINE: affineSource(present.map(([n]) => n)) + (fill['EXTRA'] ?? ''), PARAMS_BINDING: 2 + present.length, MATH: wgslSource('math.wgsl'), ROW_STATS: wgslSource('row_stats.wgsl'), ...fill });
  ctx.dispatch({ name: op, code, inputs: [x.storage, ...present.map(([, a]) => a.storage)], outputs: [out], params: p, workgroups: Math.ceil(units / 64) });
  return [out];
}

/** x (N, C, *) as (N, C, S). */
const channels = (x: GpuArg) => ({ n: x.shape[0]!, c: x.shape[1]!, s: sizeOf(x.shape.slice(2)) });

export const groupNorm: WebGPUKernel<GroupNormAttrs> = (ctx, [x, ...ps], attrs, [o]) => {
  const { weight, bias } = affineInputs(ps, attrs);
  const { n, c, s } = channels(x!);
  const g = attrs.numGroups, eps = resolveEps('group_norm', attrs.eps, 1e-5);
  const p = params().u32(n * g).u32(g).u32(c / g).u32(s).f32(eps).u32(0).u32(0).u32(0);
  return forward(ctx, 'group_norm', x!, [['weight', weight], ['bias', bias]], o!, p, s ? n * g : 0);
};

export const instanceNorm: WebGPUKernel<InstanceNormAttrs> = (ctx, [x, ...ps], attrs, [o]) => {
  const { weight, bias } = affineInputs(ps, attrs);
  const { n, c, s } = channels(x!);
  const p = params().u32(n * c).u32(c).u32(s).f32(resolveEps('instance_norm', attrs.eps, 1e-5));
  return forward(ctx, 'instance_norm', x!, [['weight', weight], ['bias', bias]], o!, p, s ? n * c : 0);
};

export const batchNorm: WebGPUKernel<BatchNormAttrs> = (ctx, [x, ...rest], attrs, [o]) => {
  const stats = attrs.runningStats ? 2 : 0;
  const { weight, bias } = affineInputs(rest.slice(stats), attrs);
  const { n, c, s } = channels(x!);
  const eps = resolveEps('batch_norm', attrs.eps, 1e-5);
  const units = attrs.training ? c : n * c;
  const p = params().u32(units).u32(n).u32(c).u32(s).f32(eps).u32(0).u32(0).u32(0);
  const running: [string, GpuArg | undefined][] = attrs.training ? [] : [['mean', rest[0]], ['variance', rest[1]]];
  // Training binds no running statistics; the eval branch still needs the functions to compile.
  const access = attrs.training ? 'fn running_mean(c: u32) -> f32 { return 0.0; }\nfn running_var(c: u32) -> f32 { return 1.0; }' : 'fn running_mean(c: u32) -> f32 { return mean[c]; }\nfn running_var(c: u32) -> f32 { return variance[c]; }';
  return forward(ctx, 'batch_norm', x!, [...running, ['weight', weight], ['bias', bias]], o!, p, units, { TRAINING: String(attrs.training), EXTRA: `\n${access}` });
};

/** The weight binding (2) when present and g(base, j) = dOut·weight; the dX and stats outputs follow. */
function weightSource(weight: boolean): string {
  const lines = weight ? [read(2, 'weight')] : [];
  const b = weight ? 3 : 2;
  lines.push(write(b, 'dx'), write(b + 1, 'stats'));
  lines.push(`fn g(base: u32, j: u32) -> f32 {\n  return dy[base + j]${weight ? ' * weight[j]' : ''};\n}`);
  return lines.join('\n');
}

/** dX (workgroup per row, writing each row's mean and rstd), then dWeight/dBias column sums. */
function backward(ctx: KernelContext, op: 'layer_norm_backward' | 'rms_norm_backward', x: GpuArg, dOut: GpuArg, w: GpuArg | undefined, wantW: boolean, wantB: boolean, len: number, eps: number, outs: readonly TensorMeta[]): GpuStorage[] {
  const res = outs.map((m) => ctx.alloc(m));
  const n = sizeOf(x.shape), rows = len ? n / len : 0;
  const dW = wantW ? res[1]! : undefined, dB = wantB ? res[wantW ? 2 : 1]! : undefined;
  if (n === 0) {
    // No rows: dWeight and dBias are sums over nothing.
    const zero = fillTemplate(wgslSource('norm_params.wgsl'), paramsTemplate(dW, dB));
    if (len && (dW || dB)) ctx.dispatch({ name: `${op}.params`, code: zero, inputs: [x.storage, dOut.storage, x.storage], outputs: [dW, dB].filter(Boolean) as GpuStorage[], params: params().u32(0).u32(len).u32(0).u32(0), workgroups: Math.ceil(len / 64) });
    return res;
  }
  const stats = ctx.scratch(2 * rows);
  const common = fillTemplate(wgslSource('norm_backward_common.wgsl'), { WEIGHT: weightSource(!!w), PARAMS_BINDING: w ? 5 : 4, MATH: wgslSource('math.wgsl'), WG_SUM: wgslSource('workgroup_sum.wgsl'), ROW_STATS: wgslSource('row_stats.wgsl') });
  const code = fillTemplate(wgslSource(`${op}.wgsl`), { NORM_BACKWARD: common });
  ctx.dispatch({ name: op, code, inputs: [x.storage, dOut.storage, ...(w ? [w.storage] : [])], outputs: [res[0]!, stats], params: params().u32(rows).u32(len).f32(eps).u32(0), workgroups: rows });
  if (dW || dB) {
    const code2 = fillTemplate(wgslSource('norm_params.wgsl'), paramsTemplate(dW, dB));
    ctx.dispatch({ name: `${op}.params`, code: code2, inputs: [x.storage, dOut.storage, stats], outputs: [dW, dB].filter(Boolean) as GpuStorage[], params: params().u32(rows).u32(len).u32(0).u32(0), workgroups: Math.ceil(len / 64) });
  }
  ctx.release(stats);
  return res;
}

/** norm_params.wgsl's outputs (dWeight and/or dBias from binding 3) and its params binding. */
function paramsTemplate(dW: GpuStorage | undefined, dB: GpuStorage | undefined): Record<string, string | number> {
  const lines: string[] = [];
  let b = 3;
  if (dW) lines.push(write(b++, 'dweight'));
  if (dB) lines.push(write(b++, 'dbias'));
  lines.push(`fn put(j: u32, w: f32, b: f32) {${dW ? '\n  dweight[j] = w;' : ''}${dB ? '\n  dbias[j] = b;' : ''}\n}`);
  return { OUTPUTS: lines.join('\n'), PARAMS_BINDING: b, MATH: wgslSource('math.wgsl') };
}

export const layerNormBackward: WebGPUKernel<LayerNormAttrs> = (ctx, [x, dOut, ...ps], attrs, outs) => {
  const { weight, bias } = affineInputs(ps, attrs);
  return backward(ctx, 'layer_norm_backward', x!, dOut!, weight, !!weight, !!bias, sizeOf(attrs.normalizedShape), resolveEps('layer_norm_backward', attrs.eps, 1e-5), outs);
};

export const rmsNormBackward: WebGPUKernel<RmsNormAttrs> = (ctx, [x, dOut, w], attrs, outs) =>
  backward(ctx, 'rms_norm_backward', x!, dOut!, w, !!w, false, sizeOf(attrs.normalizedShape), rmsEps(attrs.eps, x!.dtype), outs);

export const NORM = {
  batch_norm: batchNorm,
  group_norm: groupNorm,
  instance_norm: instanceNorm,
  layer_norm_backward: layerNormBackward,
  rms_norm_backward: rmsNormBackward,
} as const;
