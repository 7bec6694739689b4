import type { HardtanhAttrs } from '../../engine/ops/unary/hardtanh.js';
import { hardtanhBounds } from '../../engine/ops/unary/util.js';
import { unaryKernel } from './util.js';

// out = clamp(x, minVal, maxVal) with NaN kept (native/src/unary.cc).
export const hardtanh = unaryKernel<HardtanhAttrs>('hardtanh', (a) => {
  const { minVal, maxVal } = hardtanhBounds(a);
  return [minVal, maxVal];
});
