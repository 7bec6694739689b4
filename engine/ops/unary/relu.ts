import { noAttrs, unaryCases } from '../../arb.js';
import { NONZERO, fIn } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { defineOp } from '../../op.js';
import type { Tensor } from '../../tensor.js';
import { where } from '../binary/where.js';
import { gt } from '../compare/gt.js';
import { elementwiseCost, numericUnaryInfer } from '../infer.js';

export const reluOp = defineOp({
  name: 'relu',
  family: 'unary',
  doc: 'max(x, 0) (float or int32; NaN stays NaN)',
  infer: numericUnaryInfer('relu'),
  // d relu(x)/dx = x > 0 ? 1 : 0  (0 at x = 0, as torch)
  vjp: ({ inputs: [x], dOut }) => [where(gt(x!, 0), dOut, 0)],
  check: { cases: unaryCases(noAttrs), inputs: [fIn(NONZERO)], secondOrder: true },
  cost: elementwiseCost(1),
});

export const relu = (x: Tensor): Tensor => apply1(reluOp, [x], {});
