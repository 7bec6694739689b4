import type { CumsumAttrs } from '../../engine/ops/reduce/cumsum.js';
import { normalizeAxis, sizeOf } from '../../engine/shape.js';
import { addon } from './addon.js';
import type { NativeKernel } from './types.js';
import { alloc } from './util.js';

// x viewed as (outer, len, inner) around the axis; running sums in double (native/src/cumsum.cc).
export const cumsum: NativeKernel<CumsumAttrs> = ([x], attrs, [o]) => {
  const out = alloc(o!);
  const s = x!.shape;
  const axis = normalizeAxis('cumsum', 'axis', attrs.axis, s.length, s);
  const len = s.length ? s[axis]! : 1;
  addon().cumsum(x!.data, out, sizeOf(s.slice(0, axis)), len, sizeOf(s.slice(axis + 1)), attrs.reverse ? 1 : 0);
  return [out];
};
