import { noAttrs, unaryCases } from '../../arb.js';
import { fIn } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { defineOp } from '../../op.js';
import type { Tensor } from '../../tensor.js';
import { mul } from '../binary/mul.js';
import { sub } from '../binary/sub.js';
import { elementwiseCost, floatUnaryInfer } from '../infer.js';

export const sigmoidOp = defineOp({
  name: 'sigmoid',
  family: 'unary',
  doc: 'logistic sigmoid σ(x) = 1/(1 + e^-x), computed without overflow',
  infer: floatUnaryInfer('sigmoid'),
  // dσ/dx = σ(1 - σ) = y(1 - y)
  // NOTE: as in torch, 1 - y rounds to 0 for x > 37, so the gradient there is 0, not ~e^{-x}.
  vjp: ({ outputs: [y], dOut }) => [mul(dOut, mul(y!, sub(1, y!)))],
  check: { cases: unaryCases(noAttrs), inputs: [fIn({ low: -4, high: 4 })], secondOrder: true },
  cost: elementwiseCost(4),
});

export const sigmoid = (x: Tensor): Tensor => apply1(sigmoidOp, [x], {});
