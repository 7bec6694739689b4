import { allocArray } from '../../engine/dtype.js';
import { ValueError, fmtShape } from '../../engine/errors.js';
import type { GatherAttrs } from '../../engine/ops/movement/gather.js';
import { normalizeAxis, sizeOf, stridesOf, type Shape } from '../../engine/shape.js';
import type { RefKernel } from './types.js';

/**
 * For each position of `iter` (row-major), the flat offset of the same coordinates in a tensor of
 * shape `target` (same rank, each dim at least as large), leaving out axis `skip` (-1: none).
 * Shared with scatter_add.
 */
export function offsetsIn(iter: Shape, target: Shape, skip: number): Int32Array {
  const st = stridesOf(target);
  const n = sizeOf(iter);
  const res = new Int32Array(n);
  const idx = new Array<number>(iter.length).fill(0);
  let off = 0;
  for (let i = 0; i < n; i++) {
    res[i] = off;
    for (let k = iter.length - 1; k >= 0; k--) {
      const s = k === skip ? 0 : st[k]!;
      idx[k]!++;
      off += s;
      if (idx[k]! < iter[k]!) break;
      off -= s * iter[k]!;
      idx[k] = 0;
    }
  }
  return res;
}

/** Throws unless 0 <= v < size (index values are data, so only the kernel can check them). */
export function checkIndex(op: string, v: number, size: number, axis: number, arg: string, shape: Shape): void {
  if (!(v >= 0 && v < size)) throw new ValueError(op, `index value ${v} is out of range [0, ${size}) for axis ${axis} of ${arg} ${fmtShape(shape)}`);
}

// out[p] = x[p with coordinate axis replaced by index[p]]; a 0-d x is treated as shape (1).
export const gather: RefKernel<GatherAttrs> = ([x, index], attrs, [o]) => {
  const xShape = x!.shape.length ? x!.shape : [1];
  const axis = normalizeAxis('gather', 'axis', attrs.axis, x!.shape.length);
  const base = offsetsIn(index!.shape.length ? index!.shape : [1], xShape, axis);
  const stride = stridesOf(xShape)[axis]!;
  const out = allocArray(o!.dtype, base.length);
  for (let i = 0; i < base.length; i++) {
    const j = index!.data[i]!;
    checkIndex('gather', j, xShape[axis]!, axis, 'x', x!.shape);
    out[i] = x!.data[base[i]! + j * stride]!;
  }
  return [out];
};
