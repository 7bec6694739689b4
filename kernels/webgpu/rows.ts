// Row-wise ops over the (outer, R, inner) view: cumsum, softmax, log_softmax (any axis) and the
// forward passes of layer_norm and rms_norm (trailing dims; one source, layer_norm.wgsl). Their
// backward passes are the layer_norm_backward / rms_norm_backward kernels (kernels/webgpu/norm.ts).
import type { TensorMeta } from '../../engine/backend.js';
import type { CumsumAttrs } from '../../engine/ops/reduce/cumsum.js';
import type { LayerNormAttrs } from '../../engine/ops/nn/layer_norm.js';
import type { RmsNormAttrs } from '../../engine/ops/nn/rms_norm.js';
import { affineInputs, resolveEps, rmsEps } from '../../engine/ops/nn/norm-util.js';
import { softmaxAxes, type SoftmaxAttrs } from '../../engine/ops/nn/util.js';
import { normalizeAxis, sizeOf } from '../../engine/shape.js';
import type { GpuArg, KernelContext, WebGPUKernel } from './kernel.js';
import { params, wgslType } from './program.js';
import { rowsOf } from './reduce.js';
import type { GpuStorage } from './storage.js';
import { fillTemplate, wgslSource } from './wgsl.js';

export const cumsum: WebGPUKernel<CumsumAttrs> = (ctx, [x], attrs, [o]) => {
  const out = ctx.alloc(o!);
  if (sizeOf(o!.shape) === 0) return [out];
  const axis = x!.shape.length ? normalizeAxis('cumsum', 'axis', attrs.axis, x!.shape.length) : 0;
  const rows = rowsOf(ctx, 'cumsum', x!, x!.shape.length ? [axis] : []);
  if (!rows) return null;
  const ct = o!.dtype === 'float32' ? 'f32' : 'i32';
  const code = fillTemplate(wgslSource('cumsum.wgsl'), { XT: wgslType(x!.dtype), OT: wgslType(o!.dtype), INT: ct === 'i32' ? 'true' : 'false', MATH: wgslSource('math.wgsl') });
  const n = rows.outer * rows.inner;
  const p = params().u32(n).u32(rows.len).u32(rows.inner).u32(attrs.reverse ? 1 : 0);
  ctx.dispatch({ name: 'cumsum', code, inputs: [rows.storage], outputs: [out], params: p, workgroups: Math.ceil(n / 64) });
  return [out];
};

function softmaxKernel(name: 'softmax' | 'log_softmax'): WebGPUKernel<SoftmaxAttrs> {
  return (ctx, [x], attrs, [o]) => {
    const out = ctx.alloc(o!);
    if (sizeOf(o!.shape) === 0) return [out];
    const rows = rowsOf(ctx, name, x!, softmaxAxes(name, attrs, x!.shape));
    if (!rows) return null;
    const code = fillTemplate(wgslSource('softmax.wgsl'), { LOG: name === 'log_softmax' ? 'true' : 'false', MATH: wgslSource('math.wgsl') });
    const n = rows.outer * rows.inner;
    ctx.dispatch({ name, code, inputs: [rows.storage], outputs: [out], params: params().u32(n).u32(rows.len).u32(rows.inner).f32(-Infinity), workgroups: Math.ceil(n / 64) });
    return [out];
  };
}

/** Bindings after x for the weight/bias present, and aff(j, v) applying them. */
function affineSource(weight: boolean, bias: boolean): string {
  const lines: string[] = [];
  let b = 1;
  if (weight) lines.push(`@group(0) @binding(${b++}) var<storage, read> weight: array<f32>;`);
  if (bias) lines.push(`@group(0) @binding(${b++}) var<storage, read> bias: array<f32>;`);
  lines.push(`@group(0) @binding(${b}) var<storage, read_write> out: array<f32>;`);
  const body = `v${weight ? ' * weight[j]' : ''}${bias ? ' + bias[j]' : ''}`;
  lines.push(`fn aff(j: u32, v: f32) -> f32 {\n  return ${body};\n}`);
  return lines.join('\n');
}

function normPass(ctx: KernelContext, name: string, x: GpuArg, params_: readonly GpuArg[], w: GpuArg | undefined, b: GpuArg | undefined, len: number, eps: number, o: TensorMeta): GpuStorage[] {
  const out = ctx.alloc(o);
  const n = sizeOf(x.shape);
  if (n === 0 || len === 0) return [out];
  // One source for both norms (layer_norm.wgsl): rms_norm is the uncentred case.
  const code = fillTemplate(wgslSource('layer_norm.wgsl'), { CENTERED: name === 'layer_norm' ? 'true' : 'false', AFFINE: affineSource(!!w, !!b), PARAMS_BINDING: 2 + params_.length, MATH: wgslSource('math.wgsl'), ROW_STATS: wgslSource('row_stats.wgsl') });
  const rows = n / len;
  const inputs = [x.storage, ...(w ? [w.storage] : []), ...(b ? [b.storage] : [])];
  ctx.dispatch({ name, code, inputs, outputs: [out], params: params().u32(rows).u32(len).f32(eps).u32(0), workgroups: Math.ceil(rows / 64) });
  return [out];
}

export const layerNorm: WebGPUKernel<LayerNormAttrs> = (ctx, [x, ...ps], attrs, [o]) => {
  const { weight, bias } = affineInputs(ps, attrs);
  return normPass(ctx, 'layer_norm', x!, ps, weight, bias, sizeOf(attrs.normalizedShape), resolveEps('layer_norm', attrs.eps, 1e-5), o!);
};

export const rmsNorm: WebGPUKernel<RmsNormAttrs> = (ctx, [x, w], attrs, [o]) =>
  normPass(ctx, 'rms_norm', x!, w ? [w] : [], w, undefined, sizeOf(attrs.normalizedShape), rmsEps(attrs.eps, x!.dtype), o!);

export const ROWS = {
  cumsum,
  softmax: softmaxKernel('softmax'),
  log_softmax: softmaxKernel('log_softmax'),
  layer_norm: layerNorm,
  rms_norm: rmsNorm,
} as const;
