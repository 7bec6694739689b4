import type { CeluAttrs } from '../../engine/ops/unary/celu.js';
import { eluAlpha } from '../../engine/ops/unary/util.js';
import { mapUnary } from './util.js';

// max(0, x) + min(0, α(e^{x/α} - 1)) equals this for either sign of α.
export const celu = mapUnary<CeluAttrs>((x, a) => {
  const alpha = eluAlpha(a);
  return x > 0 ? x : alpha * Math.expm1(x / alpha);
});
