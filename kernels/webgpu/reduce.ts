// Reductions (sum, mean, prod, max, min, var, std, logsumexp, argmax, argmin) on
// kernels/wgsl/reduce.wgsl, and the (outer, R, inner) row view shared with cumsum, softmax and
// the norms. Reduced axes that are not one contiguous block are first moved to the end with a
// strided copy.
import type { TensorMeta } from '../../engine/backend.js';
import type { DType } from '../../engine/dtype.js';
import { argAxes, resolveCorrection, varianceDivisor, type ArgAttrs, type ReduceAttrs, type VarAttrs } from '../../engine/ops/reduce/util.js';
import { normalizeAxes, sizeOf, stridesOf, type Shape } from '../../engine/shape.js';
import type { GpuArg, KernelContext, WebGPUKernel } from './kernel.js';
import { stridedCopy } from './movement.js';
import { params, wgslType } from './program.js';
import type { GpuStorage } from './storage.js';
import { fillTemplate, wgslSource } from './wgsl.js';

/** x as (outer, R, inner) rows; `temp` is a permuted copy to release after the last use. */
export interface Rows {
  storage: GpuStorage;
  outer: number;
  len: number;
  inner: number;
  temp: GpuStorage | null;
}

/** The rows of x along `axes` (sorted); a permuted copy when the axes are not contiguous. */
export function rowsOf(ctx: KernelContext, name: string, x: GpuArg, axes: readonly number[]): Rows | null {
  const shape = x.shape;
  const prod = (dims: readonly number[]) => sizeOf(dims.map((k) => shape[k]!));
  const contiguous = axes.every((a, i) => i === 0 || a === axes[i - 1]! + 1);
  if (contiguous) {
    const a = axes[0] ?? shape.length, b = axes.length ? axes[axes.length - 1]! + 1 : shape.length;
    return { storage: x.storage, outer: sizeOf(shape.slice(0, a)), len: prod(axes), inner: sizeOf(shape.slice(b)), temp: null };
  }
  const kept = shape.map((_, k) => k).filter((k) => !axes.includes(k));
  const perm = [...kept, ...axes];
  const st = stridesOf(shape);
  const permuted: Shape = perm.map((k) => shape[k]!);
  const temp = ctx.scratch(sizeOf(shape));
  if (!stridedCopy(ctx, name, x.storage, temp, permuted, { step: perm.map(() => 1), stride: perm.map((k) => st[k]!) })) {
    ctx.release(temp);
    return null;
  }
  return { storage: temp, outer: prod(kept), len: prod(axes), inner: 1, temp };
}

type ReduceFn = 'sum' | 'mean' | 'prod' | 'max' | 'min' | 'var' | 'std' | 'logsumexp' | 'argmax' | 'argmin';

/** Rows shorter than this, or this many outputs, are reduced in one pass. */
const SPLIT_LEN = 4096;
const SPLIT_ROWS = 1024;
const CHUNK = 256;

interface Pass {
  fn: ReduceFn;
  src: GpuStorage;
  xt: DType;
  out: GpuStorage;
  ot: DType;
  rows: number;
  len: number;
  inner: number;
  chunk: number;
  divisor: number;
}

function reducePass(ctx: KernelContext, name: string, p: Pass): void {
  const chunks = Math.max(1, Math.ceil(p.len / p.chunk));
  const n = p.rows * chunks;
  if (n === 0) return;
  const ct = p.ot === 'float32' || p.xt === 'float32' ? 'f32' : 'i32';
  const fn = p.fn === 'sum' && ct === 'i32' ? 'isum' : p.fn;
  const code = fillTemplate(wgslSource('reduce.wgsl'), { XT: wgslType(p.xt), OT: wgslType(p.ot), CT: ct, OP: `r_${fn}`, MATH: wgslSource('math.wgsl') });
  const P = params().u32(p.rows).u32(p.len).u32(p.inner).u32(p.chunk).f32(p.divisor).f32(-Infinity).u32(0).u32(0);
  ctx.dispatch({ name, code, inputs: [p.src], outputs: [p.out], params: P, workgroups: Math.ceil(n / 64) });
}

/** Records out = fn over `axes` of x; long rows with few outputs go through a partials buffer. */
function reduceAxes(ctx: KernelContext, name: string, fn: ReduceFn, x: GpuArg, axes: readonly number[], o: TensorMeta, divisor: number): GpuStorage[] | null {
  const rows = rowsOf(ctx, name, x, axes);
  if (!rows) return null;
  const out = ctx.alloc(o);
  const nRows = rows.outer * rows.inner;
  const base = { xt: x.dtype, rows: nRows, len: rows.len, inner: rows.inner, divisor };
  const splittable = fn === 'sum' || fn === 'mean' || fn === 'prod' || fn === 'max' || fn === 'min';
  if (splittable && rows.len > SPLIT_LEN && nRows < SPLIT_ROWS) {
    const chunks = Math.ceil(rows.len / CHUNK);
    const partial = ctx.scratch(nRows * chunks);
    const first = fn === 'mean' ? 'sum' : fn;
    const pt: DType = o.dtype;
    reducePass(ctx, name, { ...base, fn: first, src: rows.storage, out: partial, ot: pt, chunk: CHUNK });
    reducePass(ctx, name, { ...base, fn, src: partial, xt: pt, out, ot: o.dtype, len: chunks, chunk: chunks });
    ctx.release(partial);
  } else {
    reducePass(ctx, name, { ...base, fn, src: rows.storage, out, ot: o.dtype, chunk: Math.max(rows.len, 1) });
  }
  if (rows.temp) ctx.release(rows.temp);
  return [out];
}

function reduction(fn: ReduceFn): WebGPUKernel<ReduceAttrs> {
  return (ctx, [x], attrs, [o]) => {
    const axes = normalizeAxes(fn, 'axes', attrs.axes, x!.shape);
    const n = sizeOf(axes.map((a) => x!.shape[a]!));
    return reduceAxes(ctx, fn, fn, x!, axes, o!, n);
  };
}

function variance(fn: 'var' | 'std'): WebGPUKernel<VarAttrs> {
  return (ctx, [x], attrs, [o]) => {
    const axes = normalizeAxes(fn, 'axes', attrs.axes, x!.shape);
    const n = sizeOf(axes.map((a) => x!.shape[a]!));
    return reduceAxes(ctx, fn, fn, x!, axes, o!, varianceDivisor(n, resolveCorrection(fn, attrs)));
  };
}

function argReduction(fn: 'argmax' | 'argmin'): WebGPUKernel<ArgAttrs> {
  return (ctx, [x], attrs, [o]) => reduceAxes(ctx, fn, fn, x!, argAxes(fn, attrs, x!.shape), o!, 1);
}

export const REDUCE = {
  sum: reduction('sum'),
  mean: reduction('mean'),
  prod: reduction('prod'),
  max: reduction('max'),
  min: reduction('min'),
  logsumexp: reduction('logsumexp'),
  var: variance('var'),
  std: variance('std'),
  argmax: argReduction('argmax'),
  argmin: argReduction('argmin'),
} as const;
