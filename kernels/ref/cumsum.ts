import { allocArray } from '../../engine/dtype.js';
import type { CumsumAttrs } from '../../engine/ops/reduce/cumsum.js';
import { normalizeAxes } from '../../engine/shape.js';
import type { RefKernel } from './types.js';
import { reducePlan } from './util.js';

export const cumsum: RefKernel<CumsumAttrs> = ([x], attrs, [o]) => {
  const { base, inner } = reducePlan(x!.shape, normalizeAxes('cumsum', 'axis', attrs.axis, x!.shape));
  const out = allocArray(o!.dtype, x!.data.length);
  const n = inner.length;
  for (let i = 0; i < base.length; i++) {
    let s = 0;
    for (let k = 0; k < n; k++) {
      const at = base[i]! + inner[attrs.reverse ? n - 1 - k : k]!;
      s += x!.data[at]!;
      out[at] = s;
    }
  }
  return [out];
};
