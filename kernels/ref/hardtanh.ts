import type { HardtanhAttrs } from '../../engine/ops/unary/hardtanh.js';
import { hardtanhBounds } from '../../engine/ops/unary/util.js';
import { mapUnary } from './util.js';

// Comparisons are false for NaN, so NaN passes through (as torch.clamp).
export const hardtanh = mapUnary<HardtanhAttrs>((x, a) => {
  const { minVal, maxVal } = hardtanhBounds(a);
  return x < minVal ? minVal : x > maxVal ? maxVal : x;
});
