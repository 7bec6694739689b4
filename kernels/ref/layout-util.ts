// Index tables for the layout kernels (permute, transpose, flip, slice, slice_scatter, pad).
// Each of them reads input element  Σ_k table_k[j_k]  for output index (j_0, ..., j_{r-1}): the
// offset splits into one term per output dimension. A table entry of -1 marks a position with no
// input element (padding).
import type { TensorMeta } from '../../engine/backend.js';
import { allocArray, type TypedArray } from '../../engine/dtype.js';
import { sizeOf, type Shape } from '../../engine/shape.js';
import type { RefArg } from './types.js';

/** table[j] = (base + j·step)·stride for j < size: an affine walk along one input axis. */
export function affineTable(size: number, base: number, step: number, stride: number): Int32Array {
  const t = new Int32Array(size);
  for (let j = 0; j < size; j++) t[j] = (base + j * step) * stride;
  return t;
}

/** For each row-major index of `shape`: Σ_k tables[k][j_k], or -1 when any entry is -1. */
export function tableOffsets(shape: Shape, tables: readonly Int32Array[]): Int32Array {
  const n = sizeOf(shape);
  const rank = shape.length;
  const offs = new Int32Array(n);
  const idx = new Array<number>(rank).fill(0);
  for (let i = 0; i < n; i++) {
    let off = 0;
    for (let k = 0; k < rank && off >= 0; k++) {
      const t = tables[k]![idx[k]!]!;
      off = t < 0 ? -1 : off + t;
    }
    offs[i] = off;
    for (let k = rank - 1; k >= 0; k--) {
      if (++idx[k]! < shape[k]!) break;
      idx[k] = 0;
    }
  }
  return offs;
}

/** out[i] = x[offs[i]], or `fill` where offs[i] is -1. */
export function gatherTables(x: RefArg, o: TensorMeta, tables: readonly Int32Array[], fill = 0): TypedArray {
  const offs = tableOffsets(o.shape, tables);
  const out = allocArray(o.dtype, offs.length);
  const v = o.dtype === 'bool' ? (fill ? 1 : 0) : fill;
  for (let i = 0; i < offs.length; i++) out[i] = offs[i]! < 0 ? v : x.data[offs[i]!]!;
  return out;
}

/** x with the entries of each matrix (last two dims) where keep(j - i) is false set to 0. */
export function maskDiagonals(x: RefArg, o: TensorMeta, keep: (offset: number) => boolean): TypedArray {
  const r = x.shape.length;
  const rows = x.shape[r - 2]!, cols = x.shape[r - 1]!;
  const out = allocArray(o.dtype, x.data.length);
  for (let m = 0; m < x.data.length; m += rows * cols) {
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) if (keep(j - i)) out[m + i * cols + j] = x.data[m + i * cols + j]!;
    }
  }
  return out;
}
