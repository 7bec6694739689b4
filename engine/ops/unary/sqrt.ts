import { noAttrs, unaryCases } from '../../arb.js';
import { POSITIVE, fIn } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { defineOp } from '../../op.js';
import type { Tensor } from '../../tensor.js';
import { div } from '../binary/div.js';
import { mul } from '../binary/mul.js';
import { elementwiseCost, floatUnaryInfer } from '../infer.js';

export const sqrtOp = defineOp({
  name: 'sqrt',
  family: 'unary',
  doc: '√x (NaN below 0)',
  infer: floatUnaryInfer('sqrt'),
  // d√x/dx = 1/(2√x) = 1/(2y)  (inf at x = 0, as torch)
  vjp: ({ outputs: [y], dOut }) => [div(dOut, mul(y!, 2))],
  check: { cases: unaryCases(noAttrs), inputs: [fIn(POSITIVE)], secondOrder: true },
  cost: elementwiseCost(1),
});

export const sqrt = (x: Tensor): Tensor => apply1(sqrtOp, [x], {});
