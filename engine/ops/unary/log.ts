import { noAttrs, unaryCases } from '../../arb.js';
import { POSITIVE, fIn } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { defineOp } from '../../op.js';
import type { Tensor } from '../../tensor.js';
import { div } from '../binary/div.js';
import { elementwiseCost, floatUnaryInfer } from '../infer.js';

export const logOp = defineOp({
  name: 'log',
  family: 'unary',
  doc: 'natural logarithm ln(x) (-inf at 0, NaN below)',
  infer: floatUnaryInfer('log'),
  // d ln(x)/dx = 1/x
  vjp: ({ inputs: [x], dOut }) => [div(dOut, x!)],
  check: { cases: unaryCases(noAttrs), inputs: [fIn(POSITIVE)], secondOrder: true },
  cost: elementwiseCost(1),
});

export const log = (x: Tensor): Tensor => apply1(logOp, [x], {});
