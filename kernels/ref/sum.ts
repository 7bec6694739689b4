import { normalizeAxes } from '../../engine/shape.js';
import type { ReduceAttrs } from '../../engine/ops/reduce/util.js';
import type { RefKernel } from './types.js';
import { reduceWith } from './util.js';

export const sum: RefKernel<ReduceAttrs> = ([x], attrs, [o]) => [
  reduceWith(x!, normalizeAxes('sum', 'axes', attrs.axes, x!.shape), o!, (v) => {
    let s = 0;
    for (let i = 0; i < v.length; i++) s += v[i]!;
    return s;
  }),
];
