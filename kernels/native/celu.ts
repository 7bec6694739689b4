import type { CeluAttrs } from '../../engine/ops/unary/celu.js';
import { eluAlpha } from '../../engine/ops/unary/util.js';
import { unaryKernel } from './util.js';

// out = x > 0 ? x : alpha·expm1(x/alpha) (native/src/unary.cc).
export const celu = unaryKernel<CeluAttrs>('celu', (a) => [eluAlpha(a), 0]);
