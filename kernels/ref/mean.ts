import { normalizeAxes } from '../../engine/shape.js';
import type { ReduceAttrs } from '../../engine/ops/reduce/util.js';
import type { RefKernel } from './types.js';
import { reduceWith } from './util.js';

// mean = sum / N; N = 0 gives 0/0 = NaN (torch).
export const mean: RefKernel<ReduceAttrs> = ([x], attrs, [o]) => [
  reduceWith(x!, normalizeAxes('mean', 'axes', attrs.axes, x!.shape), o!, (v) => {
    let s = 0;
    for (let i = 0; i < v.length; i++) s += v[i]!;
    return s / v.length;
  }),
];
