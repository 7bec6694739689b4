import type { GatherAttrs } from '../../engine/ops/movement/gather.js';
import { normalizeAxis, stridesOf } from '../../engine/shape.js';
import { checkIndex } from '../ref/gather.js';
import { addon } from './addon.js';
import type { NativeKernel } from './types.js';
import { alloc, atLeast1, i32 } from './util.js';

// out[p] = x[p with coordinate axis replaced by index[p]]; a 0-d tensor acts as shape (1).
// The addon checks every index first; a bad one raises ref's ValueError (checkIndex).
export const gather: NativeKernel<GatherAttrs> = ([x, index], attrs, [o]) => {
  const out = alloc(o!);
  const xShape = atLeast1(x!.shape);
  const axis = normalizeAxis('gather', 'axis', attrs.axis, x!.shape.length);
  const st = stridesOf(xShape);
  const xStrides = xShape.map((_, k) => (k === axis ? 0 : st[k]!));
  const idx = index!.data as Int32Array;
  const bad = addon().gather(x!.data, idx, out, i32(atLeast1(index!.shape)), i32(xStrides), st[axis]!, xShape[axis]!);
  if (bad >= 0) checkIndex('gather', idx[bad]!, xShape[axis]!, axis, 'x', x!.shape);
  return [out];
};
