// Index ops: gather, index_select, embedding, scatter_add, one_hot (kernels/wgsl/<op>.wgsl).
// NOTE: index values are data on the device, so an out-of-range index cannot raise the ValueError
// the ref kernel raises: gather/index_select/embedding read 0 there and one_hot writes a zero row.
import type { GatherAttrs } from '../../engine/ops/movement/gather.js';
import type { IndexSelectAttrs } from '../../engine/ops/movement/index_select.js';
import type { OneHotAttrs } from '../../engine/ops/movement/one_hot.js';
import type { ScatterAddAttrs } from '../../engine/ops/movement/scatter_add.js';
import { normalizeAxis, sizeOf, stridesOf } from '../../engine/shape.js';
import type { GpuStorage } from './storage.js';
import type { KernelContext, WebGPUKernel } from './kernel.js';
import { MAX_DIMS, params, wgslType } from './program.js';
import { fillTemplate, wgslSource } from './wgsl.js';

const orOne = (s: readonly number[]): readonly number[] => (s.length ? s : [1]);

export const gather: WebGPUKernel<GatherAttrs> = (ctx, [x, index], attrs, [o]) => {
  const xShape = orOne(x!.shape), iShape = orOne(index!.shape);
  if (iShape.length > MAX_DIMS) return null;
  const out = ctx.alloc(o!);
  const n = sizeOf(iShape);
  if (n === 0) return [out];
  const axis = normalizeAxis('gather', 'axis', attrs.axis, x!.shape.length);
  const st = stridesOf(xShape);
  const p = params().u32(n).u32(iShape.length).i32(xShape[axis]!).u32(st[axis]!).dims(iShape).dims(st.map((s, k) => (k === axis ? 0 : s)));
  ctx.dispatch({ name: 'gather', code: wgslSource('gather.wgsl'), inputs: [x!.storage, index!.storage], outputs: [out], params: p, workgroups: Math.ceil(n / 64) });
  return [out];
};

/** out (outer, n, inner) = x (outer, size, inner) at index along the middle dim. */
function selectRows(ctx: KernelContext, name: string, x: GpuStorage, index: GpuStorage, out: GpuStorage, outer: number, size: number, inner: number, n: number): void {
  const total = outer * n * inner;
  if (total === 0) return;
  const p = params().u32(total).u32(n).u32(inner).i32(size);
  ctx.dispatch({ name, code: wgslSource('index_select.wgsl'), inputs: [x, index], outputs: [out], params: p, workgroups: Math.ceil(total / 64) });
}

export const indexSelect: WebGPUKernel<IndexSelectAttrs> = (ctx, [x, index], attrs, [o]) => {
  const shape = orOne(x!.shape);
  const axis = normalizeAxis('index_select', 'axis', attrs.axis, x!.shape.length);
  const out = ctx.alloc(o!);
  selectRows(ctx, 'index_select', x!.storage, index!.storage, out, sizeOf(shape.slice(0, axis)), shape[axis]!, sizeOf(shape.slice(axis + 1)), sizeOf(index!.shape));
  return [out];
};

// out[i, :] = weight[indices[i], :]: index_select of weight's rows by the flattened indices.
export const embedding: WebGPUKernel<unknown> = (ctx, [indices, weight], _attrs, [o]) => {
  const [v, d] = weight!.shape as [number, number];
  const out = ctx.alloc(o!);
  selectRows(ctx, 'embedding', weight!.storage, indices!.storage, out, 1, v, d, sizeOf(indices!.shape));
  return [out];
};

export const scatterAdd: WebGPUKernel<ScatterAddAttrs> = (ctx, [x, index, src], attrs, [o]) => {
  const xShape = orOne(x!.shape), iShape = orOne(index!.shape), sShape = orOne(src!.shape);
  if (xShape.length > MAX_DIMS) return null;
  const out = ctx.alloc(o!);
  const n = sizeOf(xShape);
  if (n === 0) return [out];
  const axis = normalizeAxis('scatter_add', 'axis', attrs.axis, x!.shape.length);
  const code = fillTemplate(wgslSource('scatter_add.wgsl'), { T: wgslType(x!.dtype), INT: x!.dtype === 'float32' ? 'false' : 'true', MATH: wgslSource('math.wgsl') });
  const p = params().u32(n).u32(xShape.length).u32(axis).u32(0).dims(xShape).dims(iShape).dims(stridesOf(iShape)).dims(stridesOf(sShape));
  ctx.dispatch({ name: 'scatter_add', code, inputs: [x!.storage, index!.storage, src!.storage], outputs: [out], params: p, workgroups: Math.ceil(n / 64) });
  return [out];
};

export const oneHot: WebGPUKernel<OneHotAttrs> = (ctx, [index], attrs, [o]) => {
  const out = ctx.alloc(o!);
  const n = sizeOf(o!.shape);
  if (n === 0) return [out];
  const code = fillTemplate(wgslSource('one_hot.wgsl'), { OT: wgslType(o!.dtype) });
  ctx.dispatch({ name: 'one_hot', code, inputs: [index!.storage], outputs: [out], params: params().u32(n).u32(attrs.numClasses).u32(0).u32(0), workgroups: Math.ceil(n / 64) });
  return [out];
};

export const INDEXING = {
  gather,
  index_select: indexSelect,
  embedding,
  scatter_add: scatterAdd,
  one_hot: oneHot,
} as const;
