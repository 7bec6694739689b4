import { allocArray } from '../../engine/dtype.js';
import type { IndexSelectAttrs } from '../../engine/ops/movement/index_select.js';
import { normalizeAxis, sizeOf } from '../../engine/shape.js';
import { checkIndex } from './gather.js';
import type { RefKernel } from './types.js';

// x viewed as (outer, dim, inner), out as (outer, n, inner): out[r, k, :] = x[r, index[k], :].
export const indexSelect: RefKernel<IndexSelectAttrs> = ([x, index], attrs, [o]) => {
  const shape = x!.shape.length ? x!.shape : [1];
  const axis = normalizeAxis('index_select', 'axis', attrs.axis, x!.shape.length);
  const outer = sizeOf(shape.slice(0, axis)), inner = sizeOf(shape.slice(axis + 1));
  const dim = shape[axis]!, n = index!.data.length;
  const out = allocArray(o!.dtype, outer * n * inner);
  for (let k = 0; k < n; k++) checkIndex('index_select', index!.data[k]!, dim, axis, 'x', x!.shape);
  for (let r = 0; r < outer; r++) {
    for (let k = 0; k < n; k++) {
      const from = (r * dim + index!.data[k]!) * inner, to = (r * n + k) * inner;
      for (let j = 0; j < inner; j++) out[to + j] = x!.data[from + j]!;
    }
  }
  return [out];
};
