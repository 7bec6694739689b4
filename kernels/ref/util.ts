// Loop helpers shared by reference kernels: elementwise maps with broadcasting and index
// arithmetic for reductions over axis sets.
import type { TensorMeta } from '../../engine/backend.js';
import { allocArray, type TypedArray } from '../../engine/dtype.js';
import { broadcastStrides, sizeOf, stridesOf, type Shape } from '../../engine/shape.js';
import type { RefArg, RefKernel } from './types.js';

/** out[i] = f(x[i]) */
export function mapUnary<A = unknown>(f: (x: number, attrs: A) => number): RefKernel<A> {
  return ([x], attrs, [o]) => {
    const src = x!.data;
    const out = allocArray(o!.dtype, src.length);
    for (let i = 0; i < src.length; i++) out[i] = f(src[i]!, attrs);
    return [out];
  };
}

/** For each output element (row-major), the flat offset into each broadcast input. */
export function broadcastOffsets(outShape: Shape, inShapes: readonly Shape[]): Int32Array[] {
  const n = sizeOf(outShape);
  const rank = outShape.length;
  const strides = inShapes.map((s) => broadcastStrides(s, outShape));
  const offs = inShapes.map(() => new Int32Array(n));
  const idx = new Array<number>(rank).fill(0);
  const cur = inShapes.map(() => 0);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < offs.length; j++) offs[j]![i] = cur[j]!;
    for (let k = rank - 1; k >= 0; k--) {
      idx[k]!++;
      for (let j = 0; j < cur.length; j++) cur[j]! += strides[j]![k]!;
      if (idx[k]! < outShape[k]!) break;
      for (let j = 0; j < cur.length; j++) cur[j]! -= strides[j]![k]! * outShape[k]!;
      idx[k] = 0;
    }
  }
  return offs;
}

/** out[i] = f(a[i'], b[i'']) with NumPy broadcasting. */
export function mapBinary<A = unknown>(f: (a: number, b: number, attrs: A) => number): RefKernel<A> {
  return ([a, b], attrs, [o]) => mapN([a!, b!], o!, (v) => f(v[0]!, v[1]!, attrs));
}

/** out[i] = f(values of every input at the broadcast position of i). */
export function mapN(inputs: readonly RefArg[], o: TensorMeta, f: (v: number[]) => number): TypedArray[] {
  const offs = broadcastOffsets(o.shape, inputs.map((x) => x.shape));
  const out = allocArray(o.dtype, sizeOf(o.shape));
  const v = new Array<number>(inputs.length);
  for (let i = 0; i < out.length; i++) {
    for (let j = 0; j < inputs.length; j++) v[j] = inputs[j]!.data[offs[j]![i]!]!;
    out[i] = f(v);
  }
  return [out];
}

/**
 * Index plan for reducing `shape` over `axes` (sorted, normalized): for output position o the
 * reduced elements are x[base[o] + inner[j]], j < inner.length.
 */
export interface ReducePlan {
  base: Int32Array;
  inner: Int32Array;
}

export function reducePlan(shape: Shape, axes: readonly number[]): ReducePlan {
  const st = stridesOf(shape);
  const keep = shape.map((_, k) => k).filter((k) => !axes.includes(k));
  const offsets = (dims: number[]): Int32Array => {
    const n = sizeOf(dims.map((k) => shape[k]!));
    const res = new Int32Array(n);
    const idx = new Array<number>(dims.length).fill(0);
    for (let i = 0; i < n; i++) {
      let off = 0;
      for (let j = 0; j < dims.length; j++) off += idx[j]! * st[dims[j]!]!;
      res[i] = off;
      for (let j = dims.length - 1; j >= 0; j--) {
        if (++idx[j]! < shape[dims[j]!]!) break;
        idx[j] = 0;
      }
    }
    return res;
  };
  return { base: offsets(keep), inner: offsets([...axes]) };
}

/** out[o] = f(the reduced values of position o) as a plain number array. */
export function reduceWith(x: RefArg, axes: readonly number[], o: TensorMeta, f: (vals: Float64Array) => number): TypedArray {
  const { base, inner } = reducePlan(x.shape, axes);
  const out = allocArray(o.dtype, base.length);
  const vals = new Float64Array(inner.length);
  for (let i = 0; i < base.length; i++) {
    for (let j = 0; j < inner.length; j++) vals[j] = x.data[base[i]! + inner[j]!]!;
    out[i] = f(vals);
  }
  return out;
}

/** Copies `x` into a new array of the output dtype (reshape, squeeze, cast). */
export function copyAs(x: RefArg, o: TensorMeta): TypedArray {
  const out = allocArray(o.dtype, x.data.length);
  out.set(x.data);
  return out;
}
