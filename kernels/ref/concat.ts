import { allocArray } from '../../engine/dtype.js';
import type { ConcatAttrs } from '../../engine/ops/movement/concat.js';
import { normalizeAxis, sizeOf } from '../../engine/shape.js';
import type { RefKernel } from './types.js';

// out viewed as (outer, sum_i n_i * inner): row r is x_1[r], x_2[r], ... each of n_i * inner
// elements, where outer = prod(shape[:axis]) and inner = prod(shape[axis+1:]).
export const concat: RefKernel<ConcatAttrs> = (xs, attrs, [o]) => {
  const shape = o!.shape;
  const axis = normalizeAxis('concat', 'axis', attrs.axis ?? 0, shape.length);
  const out = allocArray(o!.dtype, sizeOf(shape));
  const outer = sizeOf(shape.slice(0, axis));
  const inner = sizeOf(shape.slice(axis + 1));
  const row = shape[axis]! * inner;
  let at = 0;
  for (const x of xs) {
    const chunk = x.shape[axis]! * inner;
    for (let r = 0; r < outer; r++) {
      for (let j = 0; j < chunk; j++) out[r * row + at + j] = x.data[r * chunk + j]!;
    }
    at += chunk;
  }
  return [out];
};
