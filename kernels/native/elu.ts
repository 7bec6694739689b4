import type { EluAttrs } from '../../engine/ops/unary/elu.js';
import { eluAlpha } from '../../engine/ops/unary/util.js';
import { unaryKernel } from './util.js';

// out = x > 0 ? x : alpha·expm1(x) (native/src/unary.cc).
export const elu = unaryKernel<EluAttrs>('elu', (a) => [eluAlpha(a), 0]);
