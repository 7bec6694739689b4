import type { EluAttrs } from '../../engine/ops/unary/elu.js';
import { eluAlpha } from '../../engine/ops/unary/util.js';
import { mapUnary } from './util.js';

export const elu = mapUnary<EluAttrs>((x, a) => (x > 0 ? x : eluAlpha(a) * Math.expm1(x)));
