import { noAttrs, unaryCases } from '../../arb.js';
import { F } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { defineOp } from '../../op.js';
import type { Tensor } from '../../tensor.js';
import { mul } from '../binary/mul.js';
import { elementwiseCost, numericUnaryInfer } from '../infer.js';

export const squareOp = defineOp({
  name: 'square',
  family: 'unary',
  doc: 'x² (float or int32; int32 wraps on overflow)',
  infer: numericUnaryInfer('square'),
  // d x²/dx = 2x
  vjp: ({ inputs: [x], dOut }) => [mul(dOut, mul(x!, 2))],
  check: { cases: unaryCases(noAttrs), inputs: [F], secondOrder: true },
  cost: elementwiseCost(1),
});

export const square = (x: Tensor): Tensor => apply1(squareOp, [x], {});
