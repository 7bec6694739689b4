import type { SoftplusAttrs } from '../../engine/ops/unary/softplus.js';
import { softplusParams } from '../../engine/ops/unary/util.js';
import { unaryKernel } from './util.js';

// out = beta·x > threshold ? x : log(1 + e^{beta·x})/beta (native/src/unary.cc).
export const softplus = unaryKernel<SoftplusAttrs>('softplus', (a) => {
  const { beta, threshold } = softplusParams(a);
  return [beta, threshold];
});
