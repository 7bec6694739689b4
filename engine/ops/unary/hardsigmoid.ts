import { noAttrs, unaryCases } from '../../arb.js';
import { fIn } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { defineOp } from '../../op.js';
import type { Tensor } from '../../tensor.js';
import { mul } from '../binary/mul.js';
import { where } from '../binary/where.js';
import { gt } from '../compare/gt.js';
import { lt } from '../compare/lt.js';
import { elementwiseCost, floatUnaryInfer } from '../infer.js';

export const hardsigmoidOp = defineOp({
  name: 'hardsigmoid',
  family: 'unary',
  doc: 'relu6(x + 3)/6 = clamp(x/6 + 1/2, 0, 1)',
  infer: floatUnaryInfer('hardsigmoid'),
  // d/dx = -3 < x < 3 ? 1/6 : 0  (0 at ±3, as torch)
  vjp: ({ inputs: [x], dOut }) => [where(gt(x!, -3), where(lt(x!, 3), mul(dOut, 1 / 6), 0), 0)],
  check: { cases: unaryCases(noAttrs), inputs: [fIn({ low: -5, high: 5, avoid: [-3, 3], margin: 0.1 })], secondOrder: true },
  cost: elementwiseCost(3),
});

export const hardsigmoid = (x: Tensor): Tensor => apply1(hardsigmoidOp, [x], {});
