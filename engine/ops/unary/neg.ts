import { noAttrs, unaryCases } from '../../arb.js';
import { F } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { defineOp } from '../../op.js';
import type { Tensor } from '../../tensor.js';
import { elementwiseCost, numericUnaryInfer } from '../infer.js';

export const negOp = defineOp({
  name: 'neg',
  family: 'unary',
  doc: '-x',
  infer: numericUnaryInfer('neg'),
  // d(-x)/dx = -1
  vjp: ({ dOut }) => [neg(dOut)],
  check: { cases: unaryCases(noAttrs), inputs: [F], secondOrder: true },
  cost: elementwiseCost(1),
});

export const neg = (x: Tensor): Tensor => apply1(negOp, [x], {});
