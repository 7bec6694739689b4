import { noAttrs, unaryCases } from '../../arb.js';
import { NONZERO, fIn } from '../../check.js';
import { zerosLike } from '../../creation.js';
import { apply1 } from '../../dispatch.js';
import { defineOp } from '../../op.js';
import type { Tensor } from '../../tensor.js';
import { elementwiseCost, numericUnaryInfer } from '../infer.js';

export const signOp = defineOp({
  name: 'sign',
  family: 'unary',
  // NOTE: sign(NaN) is NaN (NumPy, IEEE); torch returns 0 there (pytorch/pytorch#41245, a known bug).
  doc: 'sign(x): -1, 0 or 1 (float or int32; NaN stays NaN)',
  infer: numericUnaryInfer('sign'),
  // d sign(x)/dx = 0 (almost everywhere; torch also returns zeros)
  vjp: ({ dOut }) => [zerosLike(dOut)],
  check: { cases: unaryCases(noAttrs), inputs: [fIn(NONZERO)], secondOrder: true },
  cost: elementwiseCost(1),
});

export const sign = (x: Tensor): Tensor => apply1(signOp, [x], {});
