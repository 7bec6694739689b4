import { noAttrs, unaryCases } from '../../arb.js';
import { fIn } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { defineOp } from '../../op.js';
import type { Tensor } from '../../tensor.js';
import { mul } from '../binary/mul.js';
import { elementwiseCost, floatUnaryInfer } from '../infer.js';
import { cos } from './cos.js';

export const sinOp = defineOp({
  name: 'sin',
  family: 'unary',
  doc: 'sin(x), x in radians',
  infer: floatUnaryInfer('sin'),
  // d sin(x)/dx = cos(x)
  vjp: ({ inputs: [x], dOut }) => [mul(dOut, cos(x!))],
  check: { cases: unaryCases(noAttrs), inputs: [fIn({ low: -4, high: 4 })], secondOrder: true },
  cost: elementwiseCost(1),
});

export const sin = (x: Tensor): Tensor => apply1(sinOp, [x], {});
