import { normalizeAxes } from '../../engine/shape.js';
import type { ReduceAttrs } from '../../engine/ops/reduce/util.js';
import type { RefKernel } from './types.js';
import { reduceWith } from './util.js';

export const prod: RefKernel<ReduceAttrs> = ([x], attrs, [o]) => [
  reduceWith(x!, normalizeAxes('prod', 'axes', attrs.axes, x!.shape), o!, (v) => {
    let p = 1;
    for (let i = 0; i < v.length; i++) p *= v[i]!;
    return p;
  }),
];
