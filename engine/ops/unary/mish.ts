import { noAttrs, unaryCases } from '../../arb.js';
import { fIn } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { defineOp } from '../../op.js';
import type { Tensor } from '../../tensor.js';
import { add } from '../binary/add.js';
import { mul } from '../binary/mul.js';
import { sub } from '../binary/sub.js';
import { elementwiseCost, floatUnaryInfer } from '../infer.js';
import { sigmoid } from './sigmoid.js';
import { softplus } from './softplus.js';
import { square } from './square.js';
import { tanh } from './tanh.js';

// Paper: Misra 2019, "Mish: A Self Regularized Non-Monotonic Activation Function".
export const mishOp = defineOp({
  name: 'mish',
  family: 'unary',
  doc: 'x·tanh(softplus(x))',
  infer: floatUnaryInfer('mish'),
  // d/dx = t + x·(1 - t²)·σ(x), t = tanh(softplus(x)), since softplus' = σ
  vjp: ({ inputs: [x], dOut }) => {
    const t = tanh(softplus(x!));
    return [mul(dOut, add(t, mul(mul(x!, sub(1, square(t))), sigmoid(x!))))];
  },
  check: { cases: unaryCases(noAttrs), inputs: [fIn({ low: -4, high: 4 })], secondOrder: true },
  cost: elementwiseCost(8),
});

export const mish = (x: Tensor): Tensor => apply1(mishOp, [x], {});
