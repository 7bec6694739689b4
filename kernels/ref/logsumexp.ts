import { normalizeAxes } from '../../engine/shape.js';
import type { ReduceAttrs } from '../../engine/ops/reduce/util.js';
import type { RefKernel } from './types.js';
import { reduceWith } from './util.js';

/** log(sum(exp(v))) without overflow: m + log(sum(exp(v - m))); all -inf (or empty) -> -inf, any +inf -> +inf, any NaN -> NaN. */
export function logSumExpOf(v: ArrayLike<number>): number {
  let m = -Infinity;
  for (let i = 0; i < v.length; i++) {
    if (Number.isNaN(v[i]!)) return NaN;
    if (v[i]! > m) m = v[i]!;
  }
  if (m === -Infinity || m === Infinity) return m;
  let s = 0;
  for (let i = 0; i < v.length; i++) s += Math.exp(v[i]! - m);
  return m + Math.log(s);
}

export const logsumexp: RefKernel<ReduceAttrs> = ([x], attrs, [o]) => [
  reduceWith(x!, normalizeAxes('logsumexp', 'axes', attrs.axes, x!.shape), o!, logSumExpOf),
];
