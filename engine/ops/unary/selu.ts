import { noAttrs, unaryCases } from '../../arb.js';
import { fIn } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { defineOp } from '../../op.js';
import type { Tensor } from '../../tensor.js';
import { elementwiseCost, floatUnaryInfer } from '../infer.js';
import { SELU_ALPHA, SELU_SCALE, eluGrad } from './util.js';

export const seluOp = defineOp({
  name: 'selu',
  family: 'unary',
  doc: 'scale·(x > 0 ? x : alpha·(e^x - 1)), alpha ≈ 1.6733, scale ≈ 1.0507 (Klambauer et al. 2017)',
  infer: floatUnaryInfer('selu'),
  // d/dx = x > 0 ? scale : scale·alpha·e^x
  vjp: ({ inputs: [x], dOut }) => [eluGrad(x!, dOut, SELU_ALPHA, SELU_SCALE, 1)],
  check: { cases: unaryCases(noAttrs), inputs: [fIn({ low: -3, high: 3, avoid: [0], margin: 0.1 })], secondOrder: true },
  cost: elementwiseCost(4),
});

export const selu = (x: Tensor): Tensor => apply1(seluOp, [x], {});
