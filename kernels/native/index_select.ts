import type { IndexSelectAttrs } from '../../engine/ops/movement/index_select.js';
import { normalizeAxis, sizeOf } from '../../engine/shape.js';
import { checkIndex } from '../ref/gather.js';
import { addon } from './addon.js';
import type { NativeKernel } from './types.js';
import { alloc, atLeast1 } from './util.js';

// x viewed as (outer, dim, inner): out[r, k, :] = x[r, index[k], :] (row copies).
export const indexSelect: NativeKernel<IndexSelectAttrs> = ([x, index], attrs, [o]) => {
  const out = alloc(o!);
  const shape = atLeast1(x!.shape);
  const axis = normalizeAxis('index_select', 'axis', attrs.axis, x!.shape.length);
  const idx = index!.data as Int32Array;
  const bad = addon().indexSelect(x!.data, idx, out, sizeOf(shape.slice(0, axis)), shape[axis]!, sizeOf(shape.slice(axis + 1)));
  if (bad >= 0) checkIndex('index_select', idx[bad]!, shape[axis]!, axis, 'x', x!.shape);
  return [out];
};
