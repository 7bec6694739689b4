import { normalizeAxes } from '../../engine/shape.js';
import type { ReduceAttrs } from '../../engine/ops/reduce/util.js';
import type { RefKernel } from './types.js';
import { reduceWith } from './util.js';

// NOTE: a NaN anywhere in the reduced set makes the result NaN (torch.amax).
export const max: RefKernel<ReduceAttrs> = ([x], attrs, [o]) => [
  reduceWith(x!, normalizeAxes('max', 'axes', attrs.axes, x!.shape), o!, (v) => {
    let m = v[0]!;
    for (let i = 1; i < v.length; i++) {
      const e = v[i]!;
      if (e > m || Number.isNaN(e)) m = e;
      if (Number.isNaN(m)) break;
    }
    return m;
  }),
];
