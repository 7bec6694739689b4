// Convolution, pooling and resampling kernels: conv1d/conv2d (kernels/wgsl/conv2d.wgsl) and
// conv_transpose2d (conv_transpose2d.wgsl) as implicit GEMMs with the bias in the epilogue, and
// conv2d_weight_grad (conv2d_weight_grad.wgsl, the weight gradient of both) likewise;
// avg_pool2d, adaptive_avg_pool2d and upsample as one invocation per output (upsample reads the
// op's own tap tables, uploaded per call). Their VJPs are ops that have kernels here too.
import type { TensorMeta } from '../../engine/backend.js';
import type { Conv1dAttrs } from '../../engine/ops/nn/conv1d.js';
import type { Conv2dAttrs } from '../../engine/ops/nn/conv2d.js';
import { avgPoolGeom, convGeom, convTransposeGeom, unitWin, type AvgPool2dAttrs, type ConvGeom, type ConvTranspose2dAttrs } from '../../engine/ops/nn/conv-util.js';
import { weightGradGeom, type Conv2dWeightGradAttrs } from '../../engine/ops/nn/conv2d_weight_grad.js';
import { adaptiveGeom, packTaps, upsampleGeom, type AdaptiveAvgPool2dAttrs, type UpsampleAttrs } from '../../engine/ops/nn/resample-util.js';
import { sizeOf } from '../../engine/shape.js';
import type { GpuArg, KernelContext, WebGPUKernel } from './kernel.js';
import { params } from './program.js';
import type { GpuStorage } from './storage.js';
import { fillTemplate, wgslSource } from './wgsl.js';

/** Output tile of conv2d.wgsl / conv_transpose2d.wgsl: 32 output channels × 32 pixels. */
const TILE = 32;

const metas = (args: readonly GpuArg[]): TensorMeta[] => args.map((a) => ({ shape: a.shape, dtype: a.dtype }));

/** A conv shader with the shared Params struct (kernels/wgsl/conv_common.wgsl) spliced in. */
const convSource = (name: string): string => fillTemplate(wgslSource(`${name}.wgsl`), { CONV_PARAMS: wgslSource('conv_common.wgsl'), CONV_STORE: wgslSource('conv_store.wgsl') });

/** conv_common.wgsl's Params for the geometry `g`, a bias flag and the first z of the dispatch. */
function convParams(g: ConvGeom, hasBias: boolean, z0: number): ReturnType<typeof params> {
  const [wh, ww] = g.wins;
  return params().u32(g.N).u32(g.C).i32(wh!.size).i32(ww!.size).u32(g.O).u32(g.G).i32(wh!.k).i32(ww!.k)
    .i32(wh!.s).i32(ww!.s).i32(wh!.d).i32(ww!.d).i32(wh!.lo).i32(ww!.lo).i32(wh!.out).i32(ww!.out)
    .u32(hasBias ? 1 : 0).u32(z0).u32(0).u32(0);
}

/**
 * One implicit-GEMM pass over (pixels, Og, N·G); `pixels` is the output plane size. The geometry
 * is that of the conv2d (for conv_transpose2d: the one it is the adjoint of, H = wins.size, oh = wins.out).
 */
function convPass(ctx: KernelContext, name: 'conv2d' | 'conv_transpose2d', args: readonly GpuArg[], g: ConvGeom, o: TensorMeta, pixels: number): GpuStorage[] {
  const [x, w, b] = args;
  const out = ctx.alloc(o);
  const Og = g.O / g.G, jobs = g.N * g.G;
  if (sizeOf(o.shape) === 0 || Og === 0) return [out];
  const code = convSource(name);
  const maxZ = ctx.rt.limits.maxComputeWorkgroupsPerDimension;
  for (let z0 = 0; z0 < jobs; z0 += maxZ) {
    const p = convParams(g, !!b, z0);
    const workgroups = [Math.ceil(pixels / TILE), Math.ceil(Og / TILE), Math.min(maxZ, jobs - z0)] as const;
    ctx.dispatch({ name, code, inputs: [x!.storage, w!.storage, (b ?? w!).storage], outputs: [out], params: p, workgroups });
  }
  return [out];
}

export const conv2d: WebGPUKernel<Conv2dAttrs> = (ctx, args, attrs, [o]) => {
  const g = convGeom('conv2d', metas(args), attrs, 2);
  return convPass(ctx, 'conv2d', args, g, o!, g.wins[0]!.out * g.wins[1]!.out);
};

// conv1d is conv2d on (N, C, 1, L) with a (O, C/G, 1, K) weight: the same buffers.
export const conv1d: WebGPUKernel<Conv1dAttrs> = (ctx, args, attrs, [o]) => {
  const g = convGeom('conv1d', metas(args), attrs, 1);
  return convPass(ctx, 'conv2d', args, { ...g, wins: [unitWin, g.wins[0]!] }, o!, g.wins[0]!.out);
};

export const convTranspose2d: WebGPUKernel<ConvTranspose2dAttrs> = (ctx, args, attrs, [o]) => {
  const g = convTransposeGeom(metas(args), attrs);
  return convPass(ctx, 'conv_transpose2d', args, g, o!, g.wins[0]!.size * g.wins[1]!.size);
};

export const conv2dWeightGrad: WebGPUKernel<Conv2dWeightGradAttrs> = (ctx, [x, dOut], attrs, [o]) => {
  const g = weightGradGeom([x!, dOut!], attrs);
  const out = ctx.alloc(o!);
  const ck = sizeOf(o!.shape.slice(1)), Og = g.O / g.G;
  if (sizeOf(o!.shape) === 0) return [out];
  const code = convSource('conv2d_weight_grad');
  const maxZ = ctx.rt.limits.maxComputeWorkgroupsPerDimension;
  for (let z0 = 0; z0 < g.G; z0 += maxZ) {
    const p = convParams(g, false, z0);
    const workgroups = [Math.ceil(ck / TILE), Math.ceil(Og / TILE), Math.min(maxZ, g.G - z0)] as const;
    ctx.dispatch({ name: 'conv2d_weight_grad', code, inputs: [x!.storage, dOut!.storage], outputs: [out], params: p, workgroups });
  }
  return [out];
};

/** One invocation per output element of `o`. */
function perOutput(ctx: KernelContext, name: string, inputs: GpuStorage[], o: TensorMeta, fill: (n: number) => ReturnType<typeof params>): GpuStorage[] {
  const out = ctx.alloc(o);
  const n = sizeOf(o.shape);
  if (n > 0) ctx.dispatch({ name, code: wgslSource(`${name}.wgsl`), inputs, outputs: [out], params: fill(n), workgroups: Math.ceil(n / 64) });
  return [out];
}

export const avgPool2d: WebGPUKernel<AvgPool2dAttrs> = (ctx, [x], attrs, [o]) => {
  const { N, C, wins: [wh, ww] } = avgPoolGeom('avg_pool2d', x!, attrs);
  const d = attrs.divisorOverride;
  return perOutput(ctx, 'avg_pool2d', [x!.storage], o!, (n) =>
    params().u32(n).u32(N * C).i32(wh!.size).i32(ww!.size).i32(wh!.k).i32(ww!.k).i32(wh!.s).i32(ww!.s).i32(wh!.lo).i32(ww!.lo)
      .i32(wh!.out).i32(ww!.out).u32((attrs.countIncludePad ?? true) ? 1 : 0).u32(d === undefined ? 0 : 1).f32(d ?? 1).u32(0));
};

export const adaptiveAvgPool2d: WebGPUKernel<AdaptiveAvgPool2dAttrs> = (ctx, [x], attrs, [o]) => {
  const { size } = adaptiveGeom(x!, attrs);
  const [N, C, H, W] = x!.shape as [number, number, number, number];
  return perOutput(ctx, 'adaptive_avg_pool2d', [x!.storage], o!, (n) => params().u32(n).u32(N * C).u32(H).u32(W).u32(size[0]!).u32(size[1]!).u32(0).u32(0));
};

export const upsample: WebGPUKernel<UpsampleAttrs> = (ctx, [x], attrs, [o]) => {
  const { size, taps: [th, tw] } = upsampleGeom('upsample', x!, attrs);
  const [N, C, H, W] = x!.shape as [number, number, number, number];
  const { taps, weights } = packTaps(th, tw);
  const tapBuf = ctx.scratch(taps.length), wtBuf = ctx.scratch(Math.max(weights.length, 1));
  ctx.rt.write(tapBuf, taps);
  ctx.rt.write(wtBuf, weights);
  const res = perOutput(ctx, 'upsample', [x!.storage, tapBuf, wtBuf], o!, (n) =>
    params().u32(n).u32(N * C).u32(H).u32(W).u32(size[0]).u32(size[1]).u32(th.length + tw.length + 2).u32(0));
  ctx.release(tapBuf);
  ctx.release(wtBuf);
  return res;
};

export const CONV = {
  conv1d,
  conv2d,
  conv2d_weight_grad: conv2dWeightGrad,
  conv_transpose2d: convTranspose2d,
  avg_pool2d: avgPool2d,
  adaptive_avg_pool2d: adaptiveAvgPool2d,
  upsample,
} as const;
