import { SELU_ALPHA, SELU_SCALE } from '../../engine/ops/unary/util.js';
import { mapUnary } from './util.js';

export const selu = mapUnary((x) => SELU_SCALE * (x > 0 ? x : SELU_ALPHA * Math.expm1(x)));
