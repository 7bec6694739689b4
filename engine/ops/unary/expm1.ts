import { noAttrs, unaryCases } from '../../arb.js';
import { F } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { defineOp } from '../../op.js';
import type { Tensor } from '../../tensor.js';
import { add } from '../binary/add.js';
import { mul } from '../binary/mul.js';
import { elementwiseCost, floatUnaryInfer } from '../infer.js';

export const expm1Op = defineOp({
  name: 'expm1',
  family: 'unary',
  doc: 'e^x - 1, accurate for small |x|',
  infer: floatUnaryInfer('expm1'),
  // d(e^x - 1)/dx = e^x = y + 1
  vjp: ({ outputs: [y], dOut }) => [mul(dOut, add(y!, 1))],
  check: { cases: unaryCases(noAttrs), inputs: [F], secondOrder: true },
  cost: elementwiseCost(1),
});

export const expm1 = (x: Tensor): Tensor => apply1(expm1Op, [x], {});
