import { noAttrs, unaryCases } from '../../arb.js';
import { F } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { defineOp } from '../../op.js';
import type { Tensor } from '../../tensor.js';
import { mul } from '../binary/mul.js';
import { sub } from '../binary/sub.js';
import { elementwiseCost, floatUnaryInfer } from '../infer.js';

export const tanhOp = defineOp({
  name: 'tanh',
  family: 'unary',
  doc: 'tanh x = (e^x - e^-x) / (e^x + e^-x)',
  infer: floatUnaryInfer('tanh'),
  // d/dx tanh x = 1 - tanh² x = 1 - y²
  vjp: ({ outputs: [y], dOut }) => [mul(dOut, sub(1, mul(y!, y!)))],
  check: { cases: unaryCases(noAttrs), inputs: [F], secondOrder: true },
  cost: elementwiseCost(1),
});

export const tanh = (x: Tensor): Tensor => apply1(tanhOp, [x], {});
