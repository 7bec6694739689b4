import { noAttrs, unaryCases } from '../../arb.js';
import { fIn } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { defineOp } from '../../op.js';
import type { Tensor } from '../../tensor.js';
import { mul } from '../binary/mul.js';
import { elementwiseCost, floatUnaryInfer } from '../infer.js';
import { neg } from './neg.js';
import { sigmoid } from './sigmoid.js';

export const logsigmoidOp = defineOp({
  name: 'logsigmoid',
  family: 'unary',
  doc: 'log σ(x) = -softplus(-x) = min(x, 0) - log1p(e^{-|x|}), computed without overflow',
  infer: floatUnaryInfer('logsigmoid'),
  // d log σ(x)/dx = 1 - σ(x) = σ(-x)  (not 1 - e^y, which cancels for large x)
  vjp: ({ inputs: [x], dOut }) => [mul(dOut, sigmoid(neg(x!)))],
  check: { cases: unaryCases(noAttrs), inputs: [fIn({ low: -4, high: 4 })], secondOrder: true },
  cost: elementwiseCost(4),
});

export const logsigmoid = (x: Tensor): Tensor => apply1(logsigmoidOp, [x], {});
