import type { SoftmaxAttrs } from '../../engine/ops/nn/util.js';
import type { RefKernel } from './types.js';
import { alongAxis, rowMax } from './softmax.js';

// y_j = (x_j - m) - log(sum_k exp(x_k - m)), m = max(x): no overflow, -inf stays -inf; all -inf gives NaN.
export const logSoftmax: RefKernel<SoftmaxAttrs> = alongAxis('log_softmax')((row, out) => {
  const m = rowMax(row);
  let s = 0;
  for (let j = 0; j < row.length; j++) s += Math.exp(row[j]! - m);
  const lse = Math.log(s);
  for (let j = 0; j < row.length; j++) out[j] = row[j]! - m - lse;
});
