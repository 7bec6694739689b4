// Movement ops on kernels/wgsl/strided_copy.wgsl (and tril.wgsl). Views that keep the row-major
// element order (reshape, squeeze, unsqueeze) share the input's buffer: no copy, no dispatch.
import type { TensorMeta } from '../../engine/backend.js';
import type { ConcatAttrs } from '../../engine/ops/movement/concat.js';
import type { FlipAttrs } from '../../engine/ops/movement/flip.js';
import type { PermuteAttrs } from '../../engine/ops/movement/permute.js';
import type { SplitAttrs } from '../../engine/ops/movement/split.js';
import type { StackAttrs } from '../../engine/ops/movement/stack.js';
import type { TransposeAttrs } from '../../engine/ops/movement/transpose.js';
import { resolvePads, resolvePermutation, resolveSlice, type PadAttrs, type SliceAttrs, type TriangleAttrs } from '../../engine/ops/movement/util.js';
import { broadcastStrides, normalizeAxes, normalizeAxis, sizeOf, stridesOf, type Shape } from '../../engine/shape.js';
import type { GpuArg, KernelContext, WebGPUKernel } from './kernel.js';
import { MAX_DIMS, params } from './program.js';
import type { GpuStorage } from './storage.js';
import { fillTemplate, wgslSource } from './wgsl.js';

/** How source positions are found for each position of the iteration shape (strided_copy.wgsl). */
export interface SourceMap {
  base?: number;
  start?: readonly number[];
  step: readonly number[];
  stride: readonly number[];
  /** Pad modes: source sizes, and 1 = constant (with fill bits) or 2 = reflect. */
  size?: readonly number[];
  mode?: 0 | 1 | 2;
  fill?: number;
}

export interface DestMap {
  base?: number;
  stride?: readonly number[];
}

const zeros = (n: number) => new Array<number>(n).fill(0);
const ones = (n: number) => new Array<number>(n).fill(1);

/** Records one strided copy of `shape` positions from `src` to `dst`. False when rank > 8. */
export function stridedCopy(ctx: KernelContext, name: string, src: GpuStorage, dst: GpuStorage, shape: Shape, s: SourceMap, d: DestMap = {}): boolean {
  const r = shape.length;
  if (r > MAX_DIMS) return false;
  const n = sizeOf(shape);
  if (n === 0) return true;
  const p = params()
    .u32(n).u32(r).i32(s.base ?? 0).i32(d.base ?? 0).u32(s.mode ?? 0).u32(s.fill ?? 0)
    .dims(shape).dims(s.start ?? zeros(r)).dims(s.step).dims(s.stride).dims(s.size ?? zeros(r)).dims(d.stride ?? stridesOf(shape));
  ctx.dispatch({ name, code: wgslSource('strided_copy.wgsl'), inputs: [src], outputs: [dst], params: p, workgroups: Math.ceil(n / 64) });
  return true;
}

/** out = x read through `s` (a gather into a fresh contiguous output). */
function gatherInto(ctx: KernelContext, name: string, x: GpuArg, o: TensorMeta, s: SourceMap): GpuStorage[] | null {
  const out = ctx.alloc(o);
  if (stridedCopy(ctx, name, x.storage, out, o.shape, s)) return [out];
  ctx.release(out);
  return null;
}

/** Zero-copy view: the output shares the input's buffer (the tensor refcount releases it once). */
const view: WebGPUKernel<unknown> = (_ctx, [x]) => [x!.storage];

export const permute: WebGPUKernel<PermuteAttrs> = (ctx, [x], attrs, [o]) => {
  const dims = resolvePermutation('permute', attrs.dims, x!.shape);
  const st = stridesOf(x!.shape);
  return gatherInto(ctx, 'permute', x!, o!, { step: ones(dims.length), stride: dims.map((d) => st[d]!) });
};

export const transpose: WebGPUKernel<TransposeAttrs> = (ctx, [x], attrs, [o]) => {
  const r = x!.shape.length;
  if (r === 0) return [x!.storage];
  const a = normalizeAxis('transpose', 'dim0', attrs.dim0, r), b = normalizeAxis('transpose', 'dim1', attrs.dim1, r);
  const st = stridesOf(x!.shape);
  const src = (k: number) => (k === a ? b : k === b ? a : k);
  return gatherInto(ctx, 'transpose', x!, o!, { step: ones(r), stride: o!.shape.map((_, k) => st[src(k)]!) });
};

export const expand: WebGPUKernel<unknown> = (ctx, [x], _attrs, [o]) =>
  gatherInto(ctx, 'expand', x!, o!, { step: ones(o!.shape.length), stride: broadcastStrides(x!.shape, o!.shape) });

export const slice: WebGPUKernel<SliceAttrs> = (ctx, [x], attrs, [o]) => {
  const plan = resolveSlice('slice', x!.shape, attrs);
  return gatherInto(ctx, 'slice', x!, o!, { start: plan.map((p) => p.start), step: plan.map((p) => p.step), stride: stridesOf(x!.shape) });
};

export const flip: WebGPUKernel<FlipAttrs> = (ctx, [x], attrs, [o]) => {
  const axes = normalizeAxes('flip', 'axes', attrs.axes, x!.shape);
  const shape = x!.shape;
  return gatherInto(ctx, 'flip', x!, o!, {
    start: shape.map((n, k) => (axes.includes(k) ? n - 1 : 0)),
    step: shape.map((_, k) => (axes.includes(k) ? -1 : 1)),
    stride: stridesOf(shape),
  });
};

/** The fill value's bit pattern in the tensor's storage type. */
function fillBits(value: number, dtype: string): number {
  const v = new DataView(new ArrayBuffer(4));
  if (dtype === 'float32') v.setFloat32(0, value, true);
  else v.setInt32(0, dtype === 'bool' ? (value ? 1 : 0) : Math.trunc(value), true);
  return v.getUint32(0, true);
}

export const pad: WebGPUKernel<PadAttrs> = (ctx, [x], attrs, [o]) => {
  const lr = resolvePads('pad', x!.shape, attrs);
  const mode = attrs.mode === 'reflect' ? 2 : 1;
  return gatherInto(ctx, 'pad', x!, o!, {
    start: lr.map(([left]) => -left),
    step: ones(lr.length),
    stride: stridesOf(x!.shape),
    size: x!.shape,
    mode,
    fill: fillBits(attrs.value ?? 0, o!.dtype),
  });
};

/** Writes each input into its slab of out along `axis` (inputs viewed with `shapes`). */
function concatInto(ctx: KernelContext, name: string, xs: readonly GpuArg[], shapes: readonly Shape[], o: TensorMeta, axis: number): GpuStorage[] | null {
  const out = ctx.alloc(o);
  const ost = stridesOf(o.shape);
  let at = 0;
  for (let i = 0; i < xs.length; i++) {
    const shape = shapes[i]!;
    const ok = stridedCopy(ctx, name, xs[i]!.storage, out, shape, { step: ones(shape.length), stride: stridesOf(shape) }, { base: at * ost[axis]!, stride: ost });
    if (!ok) {
      ctx.release(out);
      return null;
    }
    at += shape[axis]!;
  }
  return [out];
}

export const concat: WebGPUKernel<ConcatAttrs> = (ctx, xs, attrs, [o]) =>
  concatInto(ctx, 'concat', xs, xs.map((x) => x.shape), o!, normalizeAxis('concat', 'axis', attrs.axis ?? 0, o!.shape.length));

export const stack: WebGPUKernel<StackAttrs> = (ctx, xs, attrs, [o]) => {
  const axis = normalizeAxis('stack', 'axis', attrs.axis ?? 0, o!.shape.length);
  return concatInto(ctx, 'stack', xs, xs.map((x) => [...x.shape.slice(0, axis), 1, ...x.shape.slice(axis)]), o!, axis);
};

export const split: WebGPUKernel<SplitAttrs> = (ctx, [x], attrs, outs) => {
  const axis = normalizeAxis('split', 'axis', attrs.axis ?? 0, x!.shape.length);
  const st = stridesOf(x!.shape);
  let at = 0;
  const res: GpuStorage[] = [];
  for (const o of outs) {
    const r = gatherInto(ctx, 'split', x!, o, { base: at * st[axis]!, step: ones(o.shape.length), stride: st });
    if (!r) {
      res.forEach((s) => ctx.release(s));
      return null;
    }
    res.push(r[0]!);
    at += o.shape[axis]!;
  }
  return res;
};

// out = x, then out[start + j · step] = src[j].
export const sliceScatter: WebGPUKernel<SliceAttrs> = (ctx, [x, src], attrs, [o]) => {
  const plan = resolveSlice('slice_scatter', x!.shape, attrs);
  const st = stridesOf(x!.shape);
  const out = ctx.alloc(o!);
  ctx.rt.copy(x!.storage, 0, out, 0, 4 * sizeOf(x!.shape));
  const base = plan.reduce((acc, p, k) => acc + p.start * st[k]!, 0);
  const ok = stridedCopy(ctx, 'slice_scatter', src!.storage, out, src!.shape, { step: ones(st.length), stride: stridesOf(src!.shape) }, { base, stride: plan.map((p, k) => p.step * st[k]!) });
  if (ok) return [out];
  ctx.release(out);
  return null;
};

function triangle(name: 'tril' | 'triu'): WebGPUKernel<TriangleAttrs> {
  return (ctx, [x], attrs, [o]) => {
    const out = ctx.alloc(o!);
    const n = sizeOf(o!.shape);
    if (n === 0) return [out];
    const r = o!.shape.length;
    const code = fillTemplate(wgslSource('tril.wgsl'), { KEEP: name === 'tril' ? 'd <= P.k' : 'd >= P.k' });
    const p = params().u32(n).u32(o!.shape[r - 2]!).u32(o!.shape[r - 1]!).i32(attrs.k ?? 0);
    ctx.dispatch({ name, code, inputs: [x!.storage], outputs: [out], params: p, workgroups: Math.ceil(n / 64) });
    return [out];
  };
}

export const MOVEMENT = {
  reshape: view,
  squeeze: view,
  unsqueeze: view,
  permute,
  transpose,
  expand,
  slice,
  slice_scatter: sliceScatter,
  flip,
  pad,
  concat,
  stack,
  split,
  tril: triangle('tril'),
  triu: triangle('triu'),
} as const;
