import type { LeakyReluAttrs } from '../../engine/ops/unary/leaky_relu.js';
import { leakyReluSlope } from '../../engine/ops/unary/util.js';
import { mapUnary } from './util.js';

export const leakyRelu = mapUnary<LeakyReluAttrs>((x, a) => (x > 0 ? x : x * leakyReluSlope(a)));
