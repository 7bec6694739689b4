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

export const siluOp = defineOp({
  name: 'silu',
  family: 'unary',
  doc: 'x·σ(x) (a.k.a. swish)',
  infer: floatUnaryInfer('silu'),
  // d(xσ)/dx = σ + xσ(1 - σ) = σ + y(1 - σ)
  vjp: ({ inputs: [x], outputs: [y], dOut }) => {
    const s = sigmoid(x!);
    return [mul(dOut, add(s, mul(y!, sub(1, s))))];
  },
  check: { cases: unaryCases(noAttrs), inputs: [fIn({ low: -4, high: 4 })], secondOrder: true },
  cost: elementwiseCost(5),
});

export const silu = (x: Tensor): Tensor => apply1(siluOp, [x], {});
