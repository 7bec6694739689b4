import type { ConcatAttrs } from '../../engine/ops/movement/concat.js';
import { normalizeAxis, stridesOf } from '../../engine/shape.js';
import type { NativeKernel } from './types.js';
import { alloc, asDType, copyTables, denseTables } from './util.js';

// Each input copied densely into its block of the output along the axis (converted to the joined dtype).
export const concat: NativeKernel<ConcatAttrs> = (xs, attrs, [o]) => {
  const out = alloc(o!);
  const axis = normalizeAxis('concat', 'axis', attrs.axis ?? 0, o!.shape.length);
  const st = stridesOf(o!.shape);
  let at = 0;
  for (const x of xs) {
    copyTables(asDType(x, o!.dtype), out, x.shape, denseTables(x.shape), st, at * st[axis]!);
    at += x.shape[axis]!;
  }
  return [out];
};
