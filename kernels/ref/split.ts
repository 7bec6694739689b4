import { allocArray } from '../../engine/dtype.js';
import type { SplitAttrs } from '../../engine/ops/movement/split.js';
import { normalizeAxis, sizeOf } from '../../engine/shape.js';
import type { RefKernel } from './types.js';

// x viewed as (outer, dim * inner); piece i takes columns [at_i, at_i + n_i * inner) of every row.
// The piece sizes come from the inferred output shapes.
export const split: RefKernel<SplitAttrs> = ([x], attrs, outs) => {
  const axis = normalizeAxis('split', 'axis', attrs.axis ?? 0, x!.shape.length);
  const outer = sizeOf(x!.shape.slice(0, axis));
  const inner = sizeOf(x!.shape.slice(axis + 1));
  const row = x!.shape[axis]! * inner;
  let at = 0;
  return outs.map((o) => {
    const chunk = o.shape[axis]! * inner;
    const out = allocArray(o.dtype, sizeOf(o.shape));
    for (let r = 0; r < outer; r++) {
      for (let j = 0; j < chunk; j++) out[r * chunk + j] = x!.data[r * row + at + j]!;
    }
    at += chunk;
    return out;
  });
};
