import { allocArray } from '../../engine/dtype.js';
import { softmaxAxes, type SoftmaxAttrs } from '../../engine/ops/nn/util.js';
import type { RefKernel } from './types.js';
import { reducePlan } from './util.js';

/**
 * Applies `f(row, out)` to every 1-d slice of x along the softmax axis; `out` is written back
 * to the same positions. Shared by softmax and log_softmax.
 */
export function alongAxis(op: string): (f: (row: Float64Array, out: Float64Array) => void) => RefKernel<SoftmaxAttrs> {
  return (f) => ([x], attrs, [o]) => {
    const { base, inner } = reducePlan(x!.shape, softmaxAxes(op, attrs, x!.shape));
    const out = allocArray(o!.dtype, x!.data.length);
    const row = new Float64Array(inner.length), res = new Float64Array(inner.length);
    for (let i = 0; i < base.length; i++) {
      for (let j = 0; j < inner.length; j++) row[j] = x!.data[base[i]! + inner[j]!]!;
      f(row, res);
      for (let j = 0; j < inner.length; j++) out[base[i]! + inner[j]!] = res[j]!;
    }
    return [out];
  };
}

/** max of a row; -inf for an empty row, NaN if any entry is NaN. */
export function rowMax(row: Float64Array): number {
  let m = -Infinity;
  for (let j = 0; j < row.length; j++) m = row[j]! > m || Number.isNaN(row[j]!) ? row[j]! : m;
  return m;
}

// y_j = exp(x_j - m) / sum_k exp(x_k - m), m = max(x): no overflow; all -inf gives NaN (torch).
export const softmax: RefKernel<SoftmaxAttrs> = alongAxis('softmax')((row, out) => {
  const m = rowMax(row);
  let s = 0;
  for (let j = 0; j < row.length; j++) s += out[j] = Math.exp(row[j]! - m);
  for (let j = 0; j < row.length; j++) out[j]! /= s;
});
