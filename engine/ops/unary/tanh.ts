import { noAttrs, unaryCases } from '../../arb.js';
import { fIn } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { defineOp } from '../../op.js';
import type { Tensor } from '../../tensor.js';
import { mul } from '../binary/mul.js';
import { sub } from '../binary/sub.js';
import { elementwiseCost, floatUnaryInfer } from '../infer.js';
import { square } from './square.js';

export const tanhOp = defineOp({
  name: 'tanh',
  family: 'unary',
  doc: 'hyperbolic tangent (e^x - e^-x)/(e^x + e^-x)',
  infer: floatUnaryInfer('tanh'),
  // d tanh(x)/dx = 1 - tanh²(x) = 1 - y²
  vjp: ({ outputs: [y], dOut }) => [mul(dOut, sub(1, square(y!)))],
  check: { cases: unaryCases(noAttrs), inputs: [fIn({ low: -3, high: 3 })], secondOrder: true },
  cost: elementwiseCost(4),
});

export const tanh = (x: Tensor): Tensor => apply1(tanhOp, [x], {});
