// The mHC/HC kernels: sinkhorn and its fused backward (one invocation per matrix, in global memory
// so any n works), the stream ops hc_pre / hc_post_res (one invocation per output element) and
// their fused backward (one workgroup per token, a workgroup reduction for the dot products).
import { hcStreams } from '../../engine/ops/nn/hc-util.js';
import { matrixPlan, sinkhornIters, type SinkhornAttrs } from '../../engine/ops/nn/sinkhorn-util.js';
import { sizeOf } from '../../engine/shape.js';
import type { WebGPUKernel } from './kernel.js';
import type { GpuStorage } from './storage.js';
import { params } from './program.js';
import { fillTemplate, wgslSource } from './wgsl.js';

type NoAttrs = Record<string, never>;

const source = (file: string): string => fillTemplate(wgslSource(file), { MATH: wgslSource('math.wgsl'), WG_SUM: wgslSource('workgroup_sum.wgsl') });

export const sinkhorn: WebGPUKernel<SinkhornAttrs> = (ctx, [x], attrs, [o]) => {
  const out = ctx.alloc(o!);
  const { count, n } = matrixPlan(x!.shape);
  if (count === 0) return [out];
  const p = params().u32(count).u32(n).u32(sinkhornIters('sinkhorn', attrs)).f32(-Infinity);
  ctx.dispatch({ name: 'sinkhorn', code: source('sinkhorn.wgsl'), inputs: [x!.storage], outputs: [out], params: p, workgroups: Math.ceil(count / 64) });
  return [out];
};

export const sinkhornBackward: WebGPUKernel<SinkhornAttrs> = (ctx, [x, dOut], attrs, [o]) => {
  const out = ctx.alloc(o!);
  const { count, n } = matrixPlan(x!.shape);
  if (count === 0) return [out];
  const iters = sinkhornIters('sinkhorn_backward', attrs);
  // Per matrix: its rounds' values (walked back in place) and their column/row sums, in scratch
  // buffers; matrices go in chunks so that the sums stay within one storage binding.
  const limit = Math.min(ctx.rt.limits.maxStorageBufferBindingSize, ctx.rt.limits.maxBufferSize) / 4;
  const chunk = Math.max(1, Math.min(count, Math.floor(limit / (2 * iters * n)), Math.floor(limit / (n * n))));
  const m = ctx.scratch(chunk * n * n), sums = ctx.scratch(chunk * 2 * iters * n);
  const code = source('sinkhorn_backward.wgsl');
  for (let first = 0; first < count; first += chunk) {
    const size = Math.min(chunk, count - first);
    const p = params().u32(size).u32(n).u32(iters).f32(-Infinity).u32(first);
    ctx.dispatch({ name: 'sinkhorn_backward', code, inputs: [x!.storage, dOut!.storage], outputs: [out, m, sums], params: p, workgroups: Math.ceil(size / 64) });
  }
  ctx.release(m);
  ctx.release(sums);
  return [out];
};

export const hcPre: WebGPUKernel<NoAttrs> = (ctx, [h, x], _attrs, [o]) => {
  const out = ctx.alloc(o!);
  const total = sizeOf(o!.shape);
  if (total === 0) return [out];
  const { n, C } = hcStreams('hc_pre', x!);
  const p = params().u32(total).u32(n).u32(C).u32(0);
  ctx.dispatch({ name: 'hc_pre', code: wgslSource('hc_pre.wgsl'), inputs: [h!.storage, x!.storage], outputs: [out], params: p, workgroups: Math.ceil(total / 64) });
  return [out];
};

export const hcPostRes: WebGPUKernel<NoAttrs> = (ctx, [hres, x, hpost, y], _attrs, [o]) => {
  const out = ctx.alloc(o!);
  const total = sizeOf(o!.shape);
  if (total === 0) return [out];
  const { n, C } = hcStreams('hc_post_res', x!);
  const p = params().u32(total).u32(n).u32(C).u32(0);
  const inputs = [hres!.storage, x!.storage, hpost!.storage, y!.storage];
  ctx.dispatch({ name: 'hc_post_res', code: wgslSource('hc_post_res.wgsl'), inputs, outputs: [out], params: p, workgroups: Math.ceil(total / 64) });
  return [out];
};

export const hcPreBackward: WebGPUKernel<NoAttrs> = (ctx, [h, x, dOut], _attrs, outs) => {
  const [dh, dx] = outs.map((m) => ctx.alloc(m)) as [GpuStorage, GpuStorage];
  const { tokens, n, C } = hcStreams('hc_pre_backward', x!);
  if (tokens * n === 0) return [dh, dx];
  const p = params().u32(tokens).u32(n).u32(C).u32(0);
  ctx.dispatch({ name: 'hc_pre_backward', code: source('hc_pre_backward.wgsl'), inputs: [h!.storage, x!.storage, dOut!.storage], outputs: [dh, dx], params: p, workgroups: tokens });
  return [dh, dx];
};

export const hcPostResBackward: WebGPUKernel<NoAttrs> = (ctx, [hres, x, hpost, y, dOut], _attrs, outs) => {
  const res = outs.map((m) => ctx.alloc(m));
  const { tokens, n, C } = hcStreams('hc_post_res_backward', x!);
  // n = 0 still has dy (zeros, written by the kernel: buffers may be reused).
  if (tokens * (n + C) === 0) return res;
  const p = params().u32(tokens).u32(n).u32(C).u32(0);
  const inputs = [hres!.storage, x!.storage, hpost!.storage, y!.storage, dOut!.storage];
  ctx.dispatch({ name: 'hc_post_res_backward', code: source('hc_post_res_backward.wgsl'), inputs, outputs: res, params: p, workgroups: tokens });
  return res;
};

export const HC = {
  sinkhorn,
  sinkhorn_backward: sinkhornBackward,
  hc_pre: hcPre,
  hc_post_res: hcPostRes,
  hc_pre_backward: hcPreBackward,
  hc_post_res_backward: hcPostResBackward,
} as const;
