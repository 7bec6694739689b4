import fc from 'fast-check';
import { unaryCases } from '../../arb.js';
import { NONZERO, fIn } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { defineOp } from '../../op.js';
import type { Tensor } from '../../tensor.js';
import { mul } from '../binary/mul.js';
import { where } from '../binary/where.js';
import { gt } from '../compare/gt.js';
import { elementwiseCost } from '../infer.js';
import { floatUnaryAttrInfer, leakyReluSlope, requireNumberAttr } from './util.js';

export interface LeakyReluAttrs {
  /** Slope for x <= 0 (default 0.01). */
  negativeSlope?: number;
}

export const leakyReluOp = defineOp({
  name: 'leaky_relu',
  family: 'unary',
  doc: 'x > 0 ? x : negativeSlope·x (negativeSlope = 0.01)',
  infer: floatUnaryAttrInfer('leaky_relu', (a: LeakyReluAttrs, x) => requireNumberAttr('leaky_relu', 'negativeSlope', leakyReluSlope(a), x)),
  // d/dx = x > 0 ? 1 : negativeSlope
  vjp: ({ inputs: [x], dOut, attrs }) => [where(gt(x!, 0), dOut, mul(dOut, leakyReluSlope(attrs)))],
  check: {
    cases: unaryCases<LeakyReluAttrs>(fc.oneof(fc.constant({}), fc.record({ negativeSlope: fc.double({ min: -1, max: 2, noNaN: true }) }))),
    inputs: [fIn(NONZERO)],
    secondOrder: true,
  },
  cost: elementwiseCost(2),
});

export const leakyRelu = (x: Tensor, attrs: LeakyReluAttrs = {}): Tensor => apply1(leakyReluOp, [x], attrs);
