import { noAttrs, unaryCases } from '../../arb.js';
import { fIn } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { defineOp } from '../../op.js';
import type { Tensor } from '../../tensor.js';
import { add } from '../binary/add.js';
import { div } from '../binary/div.js';
import { elementwiseCost, floatUnaryInfer } from '../infer.js';

export const log1pOp = defineOp({
  name: 'log1p',
  family: 'unary',
  doc: 'ln(1 + x), accurate for small |x|',
  infer: floatUnaryInfer('log1p'),
  // d ln(1+x)/dx = 1/(1+x)
  vjp: ({ inputs: [x], dOut }) => [div(dOut, add(x!, 1))],
  // The pole is at x = -1.
  check: { cases: unaryCases(noAttrs), inputs: [fIn({ low: -0.75, high: 3 })], secondOrder: true },
  cost: elementwiseCost(1),
});

export const log1p = (x: Tensor): Tensor => apply1(log1pOp, [x], {});
