import { noAttrs, unaryCases } from '../../arb.js';
import { fIn } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { defineOp } from '../../op.js';
import type { Tensor } from '../../tensor.js';
import { mul } from '../binary/mul.js';
import { elementwiseCost, floatUnaryInfer } from '../infer.js';
import { neg } from './neg.js';
import { sin } from './sin.js';

export const cosOp = defineOp({
  name: 'cos',
  family: 'unary',
  doc: 'cos(x), x in radians',
  infer: floatUnaryInfer('cos'),
  // d cos(x)/dx = -sin(x)
  vjp: ({ inputs: [x], dOut }) => [neg(mul(dOut, sin(x!)))],
  check: { cases: unaryCases(noAttrs), inputs: [fIn({ low: -4, high: 4 })], secondOrder: true },
  cost: elementwiseCost(1),
});

export const cos = (x: Tensor): Tensor => apply1(cosOp, [x], {});
