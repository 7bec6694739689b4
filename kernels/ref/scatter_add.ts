import { allocArray } from '../../engine/dtype.js';
import type { ScatterAddAttrs } from '../../engine/ops/movement/scatter_add.js';
import { normalizeAxis, stridesOf } from '../../engine/shape.js';
import { checkIndex, offsetsIn } from './gather.js';
import type { RefKernel } from './types.js';

// out = x; for every position p of index: out[p with coordinate axis = index[p]] += src[p].
// Accumulates in float64; a 0-d tensor is treated as shape (1).
export const scatterAdd: RefKernel<ScatterAddAttrs> = ([x, index, src], attrs, [o]) => {
  const one = (s: readonly number[]) => (s.length ? s : [1]);
  const xShape = one(x!.shape), iShape = one(index!.shape);
  const axis = normalizeAxis('scatter_add', 'axis', attrs.axis, x!.shape.length);
  const dst = offsetsIn(iShape, xShape, axis);
  const from = offsetsIn(iShape, one(src!.shape), -1);
  const stride = stridesOf(xShape)[axis]!;
  const acc = Float64Array.from(x!.data);
  for (let i = 0; i < dst.length; i++) {
    const j = index!.data[i]!;
    checkIndex('scatter_add', j, xShape[axis]!, axis, 'x', x!.shape);
    acc[dst[i]! + j * stride]! += src!.data[from[i]!]!;
  }
  const out = allocArray(o!.dtype, acc.length);
  out.set(acc);
  return [out];
};
