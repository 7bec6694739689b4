import { argAxes, type ArgAttrs } from '../../engine/ops/reduce/util.js';
import type { TensorMeta } from '../../engine/backend.js';
import type { TypedArray } from '../../engine/dtype.js';
import type { RefArg, RefKernel } from './types.js';
import { reduceWith } from './util.js';

/**
 * Position (in row-major order over the reduced axes) of the first value that beats all others:
 * `beats(a, b)` is a strict comparison, so ties keep the first occurrence.
 * NOTE: the first NaN wins, as in torch (NaN propagates through max/min).
 */
export function argIndex(op: string, x: RefArg, attrs: ArgAttrs, o: TensorMeta, beats: (a: number, b: number) => boolean): TypedArray {
  return reduceWith(x, argAxes(op, attrs, x.shape), o, (v) => {
    let best = 0;
    for (let j = 1; j < v.length && !Number.isNaN(v[best]!); j++) {
      if (Number.isNaN(v[j]!) || beats(v[j]!, v[best]!)) best = j;
    }
    return best;
  });
}

export const argmax: RefKernel<ArgAttrs> = ([x], attrs, [o]) => [argIndex('argmax', x!, attrs, o!, (a, b) => a > b)];
