import { noAttrs, unaryCases } from '../../arb.js';
import { F } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { defineOp } from '../../op.js';
import type { Tensor } from '../../tensor.js';
import { mul } from '../binary/mul.js';
import { elementwiseCost, floatUnaryInfer } from '../infer.js';

export const expOp = defineOp({
  name: 'exp',
  family: 'unary',
  doc: 'e^x',
  infer: floatUnaryInfer('exp'),
  // d/dx e^x = e^x = y
  vjp: ({ outputs: [y], dOut }) => [mul(dOut, y!)],
  check: { cases: unaryCases(noAttrs), inputs: [F], secondOrder: true },
  cost: elementwiseCost(1),
});

export const exp = (x: Tensor): Tensor => apply1(expOp, [x], {});
