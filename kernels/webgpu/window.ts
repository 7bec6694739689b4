// Sliding-window ops: unfold (im2col), fold (col2im) and max_pool2d on
// kernels/wgsl/{unfold,fold,max_pool2d}.wgsl. The convolutions and avg pooling have their own
// implicit-GEMM / direct kernels (kernels/webgpu/conv.ts); these serve unfold, fold and max pooling.
import type { TensorMeta } from '../../engine/backend.js';
import { foldGeom, poolGeom, unfoldGeom, type FoldAttrs, type MaxPool2dAttrs, type UnfoldAttrs, type Win } from '../../engine/ops/nn/conv-util.js';
import { sizeOf } from '../../engine/shape.js';
import type { GpuStorage } from './storage.js';
import type { KernelContext, WebGPUKernel } from './kernel.js';
import { params } from './program.js';
import { fillTemplate, wgslSource } from './wgsl.js';

function windowPass(ctx: KernelContext, name: string, n: number, planes: number, [wh, ww]: readonly Win[], src: GpuStorage, outs: GpuStorage[]): void {
  if (n === 0) return;
  const code = fillTemplate(wgslSource(`${name}.wgsl`), { WINDOW_COMMON: wgslSource('window_common.wgsl') });
  const p = params().u32(n).u32(planes)
    .i32(wh!.size).i32(ww!.size).i32(wh!.k).i32(ww!.k).i32(wh!.s).i32(ww!.s).i32(wh!.d).i32(ww!.d)
    .i32(wh!.lo).i32(ww!.lo).i32(wh!.out).i32(ww!.out).f32(-Infinity).u32(0);
  ctx.dispatch({ name, code, inputs: [src], outputs: outs, params: p, workgroups: Math.ceil(n / 64) });
}

const one = (ctx: KernelContext, o: TensorMeta) => ctx.alloc(o);

export const unfold: WebGPUKernel<UnfoldAttrs> = (ctx, [x], attrs, [o]) => {
  const { N, C, wins } = unfoldGeom('unfold', x!, attrs);
  const out = one(ctx, o!);
  windowPass(ctx, 'unfold', sizeOf(o!.shape), N * C, wins, x!.storage, [out]);
  return [out];
};

export const fold: WebGPUKernel<FoldAttrs> = (ctx, [cols], attrs, [o]) => {
  const { N, C, wins } = foldGeom('fold', cols!, attrs);
  const out = one(ctx, o!);
  windowPass(ctx, 'fold', sizeOf(o!.shape), N * C, wins, cols!.storage, [out]);
  return [out];
};

export const maxPool2d: WebGPUKernel<MaxPool2dAttrs> = (ctx, [x], attrs, [o, oi]) => {
  const { N, C, wins } = poolGeom('max_pool2d', x!, attrs);
  const out = one(ctx, o!), idx = one(ctx, oi!);
  windowPass(ctx, 'max_pool2d', sizeOf(o!.shape), N * C, wins, x!.storage, [out, idx]);
  return [out, idx];
};

export const WINDOW = { unfold, fold, max_pool2d: maxPool2d } as const;
