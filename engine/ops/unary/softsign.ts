import { noAttrs, unaryCases } from '../../arb.js';
import { fIn } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { defineOp } from '../../op.js';
import type { Tensor } from '../../tensor.js';
import { add } from '../binary/add.js';
import { div } from '../binary/div.js';
import { elementwiseCost, floatUnaryInfer } from '../infer.js';
import { abs } from './abs.js';
import { square } from './square.js';

export const softsignOp = defineOp({
  name: 'softsign',
  family: 'unary',
  doc: 'x/(1 + |x|)',
  infer: floatUnaryInfer('softsign'),
  // d/dx = 1/(1 + |x|)²
  vjp: ({ inputs: [x], dOut }) => [div(dOut, square(add(abs(x!), 1)))],
  // The second derivative -2·sign(x)/(1 + |x|)³ jumps at 0.
  check: { cases: unaryCases(noAttrs), inputs: [fIn({ low: -3, high: 3, avoid: [0], margin: 0.1 })], secondOrder: true },
  cost: elementwiseCost(3),
});

export const softsign = (x: Tensor): Tensor => apply1(softsignOp, [x], {});
