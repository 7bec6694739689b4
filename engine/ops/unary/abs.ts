import { noAttrs, unaryCases } from '../../arb.js';
import { NONZERO, fIn } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { defineOp } from '../../op.js';
import type { Tensor } from '../../tensor.js';
import { mul } from '../binary/mul.js';
import { elementwiseCost, numericUnaryInfer } from '../infer.js';
import { sign } from './sign.js';

export const absOp = defineOp({
  name: 'abs',
  family: 'unary',
  doc: '|x| (float or int32)',
  infer: numericUnaryInfer('abs'),
  // d|x|/dx = sign(x) (0 at x = 0, as torch)
  vjp: ({ inputs: [x], dOut }) => [mul(dOut, sign(x!))],
  check: { cases: unaryCases(noAttrs), inputs: [fIn(NONZERO)], secondOrder: true },
  cost: elementwiseCost(1),
});

export const abs = (x: Tensor): Tensor => apply1(absOp, [x], {});
