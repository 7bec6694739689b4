import type { SoftplusAttrs } from '../../engine/ops/unary/softplus.js';
import { softplusParams } from '../../engine/ops/unary/util.js';
import { softplus as softplusOf } from './math.js';
import { mapUnary } from './util.js';

export const softplus = mapUnary<SoftplusAttrs>((x, a) => {
  const { beta, threshold } = softplusParams(a);
  const bx = x * beta;
  return bx > threshold ? x : softplusOf(bx) / beta;
});
