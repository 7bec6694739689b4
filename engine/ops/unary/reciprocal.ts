import { noAttrs, unaryCases } from '../../arb.js';
import { NONZERO, fIn } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { defineOp } from '../../op.js';
import type { Tensor } from '../../tensor.js';
import { mul } from '../binary/mul.js';
import { elementwiseCost, floatUnaryInfer } from '../infer.js';
import { neg } from './neg.js';
import { square } from './square.js';

export const reciprocalOp = defineOp({
  name: 'reciprocal',
  family: 'unary',
  doc: '1/x (±inf at ±0)',
  infer: floatUnaryInfer('reciprocal'),
  // d(1/x)/dx = -1/x² = -y²
  vjp: ({ outputs: [y], dOut }) => [neg(mul(dOut, square(y!)))],
  check: { cases: unaryCases(noAttrs), inputs: [fIn(NONZERO)], secondOrder: true },
  cost: elementwiseCost(1),
});

export const reciprocal = (x: Tensor): Tensor => apply1(reciprocalOp, [x], {});
