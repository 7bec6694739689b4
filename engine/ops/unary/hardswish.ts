import { noAttrs, unaryCases } from '../../arb.js';
import { fIn } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { defineOp } from '../../op.js';
import type { Tensor } from '../../tensor.js';
import { add } from '../binary/add.js';
import { mul } from '../binary/mul.js';
import { where } from '../binary/where.js';
import { le } from '../compare/le.js';
import { lt } from '../compare/lt.js';
import { elementwiseCost, floatUnaryInfer } from '../infer.js';

// Paper: Howard et al. 2019, "Searching for MobileNetV3".
export const hardswishOp = defineOp({
  name: 'hardswish',
  family: 'unary',
  doc: 'x·relu6(x + 3)/6: 0 for x <= -3, x for x >= 3, x(x + 3)/6 between',
  infer: floatUnaryInfer('hardswish'),
  // d/dx = x < -3 ? 0 : x <= 3 ? x/3 + 1/2 : 1
  // NOTE: torch's one-sided choice at the kinks: -1/2 at x = -3 and 3/2 at x = 3.
  vjp: ({ inputs: [x], dOut }) => [where(lt(x!, -3), 0, where(le(x!, 3), mul(dOut, add(mul(x!, 1 / 3), 0.5)), dOut))],
  check: { cases: unaryCases(noAttrs), inputs: [fIn({ low: -5, high: 5, avoid: [-3, 3], margin: 0.1 })], secondOrder: true },
  cost: elementwiseCost(4),
});

export const hardswish = (x: Tensor): Tensor => apply1(hardswishOp, [x], {});
