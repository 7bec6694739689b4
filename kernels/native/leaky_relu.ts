import type { LeakyReluAttrs } from '../../engine/ops/unary/leaky_relu.js';
import { leakyReluSlope } from '../../engine/ops/unary/util.js';
import { unaryKernel } from './util.js';

// out = x > 0 ? x : slope·x (native/src/unary.cc).
export const leakyRelu = unaryKernel<LeakyReluAttrs>('leaky_relu', (a) => [leakyReluSlope(a), 0]);
