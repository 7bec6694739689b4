// Helpers shared by the native descriptors: length checks (nothing reaches C++ that could read out
// of bounds), output allocation, strided layouts for the elementwise/reduction/copy kernels, and
// factories for the op families that share one addon entry point.
import type { TensorMeta } from '../../engine/backend.js';
import { allocArray, type DType, type TypedArray } from '../../engine/dtype.js';
import { BackendError, ValueError, fmtShape } from '../../engine/errors.js';
import { broadcastStrides, normalizeAxes, sizeOf, stridesOf, type Shape } from '../../engine/shape.js';
import { affineTable } from '../ref/layout-util.js';
import { addon, codes } from './addon.js';
import type { NativeArg, NativeKernel } from './types.js';

const ARRAY: Record<DType, string> = { float32: 'Float32Array', float64: 'Float64Array', int32: 'Int32Array', bool: 'Uint8Array' };

/** The array must be exactly the storage of `meta` (type and length), or C++ could read out of bounds. */
export function checkLength(op: string, data: TypedArray, meta: TensorMeta): void {
  const want = sizeOf(meta.shape);
  if (data.length !== want || data.constructor.name !== ARRAY[meta.dtype]) {
    throw new BackendError(op, `native: a ${data.constructor.name} of ${data.length} elements does not hold a ${meta.dtype} tensor of shape ${fmtShape(meta.shape)}`);
  }
}

export const alloc = (m: TensorMeta): TypedArray => allocArray(m.dtype, sizeOf(m.shape));
export const i32 = (xs: readonly number[]): Int32Array => Int32Array.from(xs);
/** Rank-0 shapes go to C++ as (1). */
export const atLeast1 = (s: Shape): number[] => (s.length ? [...s] : [1]);

/** `data` converted to the storage type of `dtype` (native cast), or itself when it already is. */
export function asDType(x: NativeArg, dtype: DType): TypedArray {
  if (x.dtype === dtype) return x.data;
  const out = allocArray(dtype, x.data.length);
  addon().cast(x.data, out);
  return out;
}

/**
 * An op parameter as the float32 kernels use it: rounded to float32, except that a nonzero value
 * that would round to 0 becomes the smallest float32 of its sign. NOTE: keeps the op's case
 * structure (e.g. leaky_relu(-inf) with a slope of 5e-324 stays -inf, as in ref, instead of NaN).
 */
export function param(p: number): number {
  const f = Math.fround(p);
  return f === 0 && p !== 0 ? Math.sign(p) * 2 ** -149 : f;
}

/** out[i] = f(x[i]) through the addon's unary kernel; `params` gives (p0, p1) from the attrs. */
export function unaryKernel<A>(name: string, params?: (attrs: A) => readonly [number, number]): NativeKernel<A> {
  return ([x], attrs, [o]) => {
    const out = alloc(o!);
    const [p0, p1] = params ? params(attrs) : [0, 0];
    addon().unary(codes().unaryOps[name]!, asDType(x!, o!.dtype), out, o!.dtype === 'float32' ? param(p0) : p0, o!.dtype === 'float32' ? param(p1) : p1);
    return [out];
  };
}

/** Broadcast elementwise kernel (arithmetic or comparison): strides per operand over the output shape. */
export function binaryKernel(name: string): NativeKernel<unknown> {
  return ([a, b], _attrs, [o]) => {
    const out = alloc(o!);
    if (out.length === 0) return [out];
    const shape = atLeast1(o!.shape);
    const sa = broadcastStrides(a!.shape, o!.shape), sb = broadcastStrides(b!.shape, o!.shape);
    const pad = (s: number[]) => (o!.shape.length ? s : [0]);
    addon().binary(codes().binaryOps[name]!, a!.data, b!.data, out, i32(shape), i32(pad(sa)), i32(pad(sb)));
    return [out];
  };
}

/** Kept and reduced dims of `shape` for an axis set (normalized), with their row-major strides. */
export function reduceLayout(shape: Shape, axes: readonly number[]) {
  const st = stridesOf(shape);
  const keep = shape.map((_, k) => k).filter((k) => !axes.includes(k));
  const red = [...axes].sort((p, q) => p - q);
  return {
    keptShape: i32(keep.map((k) => shape[k]!)),
    keptStrides: i32(keep.map((k) => st[k]!)),
    redShape: i32(red.map((k) => shape[k]!)),
    redStrides: i32(red.map((k) => st[k]!)),
  };
}

/** A reduction over the axes `axesOf` picks; `param` is var/std's divisor. */
export function reduceKernel<A>(name: string, axesOf: (attrs: A, shape: Shape) => number[], param?: (attrs: A, x: Shape, axes: number[]) => number): NativeKernel<A> {
  return ([x], attrs, [o]) => {
    const out = alloc(o!);
    const axes = axesOf(attrs, x!.shape);
    const l = reduceLayout(x!.shape, axes);
    addon().reduce(codes().reduceOps[name]!, x!.data, out, l.keptShape, l.keptStrides, l.redShape, l.redStrides, param ? param(attrs, x!.shape, axes) : 0);
    return [out];
  };
}

/** Reduction axes from a `{ axes }` attribute, as the op's infer normalizes them. */
export const attrAxes = (op: string) => (attrs: { axes?: number | readonly number[] }, shape: Shape): number[] => normalizeAxes(op, 'axes', attrs.axes, shape);

/**
 * The generic copy: for each index j of `shape`, dst[dstOffset + Σ dstStrides[k]·j_k] =
 * src[Σ tables[k][j_k]] (fill where an entry is -1). src and dst must share the element type.
 */
export function copyTables(src: TypedArray, dst: TypedArray, shape: Shape, tables: readonly Int32Array[], dstStrides: readonly number[], dstOffset = 0, fill = 0): void {
  if (sizeOf(shape) === 0) return;
  const flat = new Int32Array(tables.reduce((n, t) => n + t.length, 0) || 1);
  let at = 0;
  for (const t of tables) {
    flat.set(t, at);
    at += t.length;
  }
  const s = shape.length ? shape : [1];
  const t = shape.length ? flat : i32([0]);
  const ds = shape.length ? dstStrides : [0];
  addon().copy(src, dst, i32(s), t, i32(ds), dstOffset, fill);
}

/** Identity tables of a row-major tensor: table_k[j] = j·stride_k. */
export const denseTables = (shape: Shape): Int32Array[] => {
  const st = stridesOf(shape);
  return shape.map((n, k) => affineTable(n, 0, 1, st[k]!));
};

/** out = x as a new array of the output dtype (reshape, squeeze, unsqueeze: same elements). */
export const copyKernel: NativeKernel<unknown> = ([x], _attrs, [o]) => {
  const out = alloc(o!);
  out.set(asDType(x!, o!.dtype));
  return [out];
};

/** ValueError of an index kernel, worded as ref's (the kernels return the first bad position). */
export function badIndex(op: string, what: string): ValueError {
  return new ValueError(op, what);
}
