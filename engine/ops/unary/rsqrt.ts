import { noAttrs, unaryCases } from '../../arb.js';
import { POSITIVE, fIn } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { defineOp } from '../../op.js';
import type { Tensor } from '../../tensor.js';
import { mul } from '../binary/mul.js';
import { elementwiseCost, floatUnaryInfer } from '../infer.js';
import { square } from './square.js';

export const rsqrtOp = defineOp({
  name: 'rsqrt',
  family: 'unary',
  doc: '1/√x (inf at 0, NaN below)',
  infer: floatUnaryInfer('rsqrt'),
  // d x^{-1/2}/dx = -x^{-3/2}/2 = -y³/2
  vjp: ({ outputs: [y], dOut }) => [mul(dOut, mul(square(y!), mul(y!, -0.5)))],
  check: { cases: unaryCases(noAttrs), inputs: [fIn(POSITIVE)], secondOrder: true },
  cost: elementwiseCost(2),
});

export const rsqrt = (x: Tensor): Tensor => apply1(rsqrtOp, [x], {});
