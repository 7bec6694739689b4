import fc from 'fast-check';
import { unaryCases } from '../../arb.js';
import { fIn } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { defineOp } from '../../op.js';
import type { Tensor } from '../../tensor.js';
import { elementwiseCost } from '../infer.js';
import { eluAlpha, eluGrad, floatUnaryAttrInfer, requireNumberAttr } from './util.js';

export interface EluAttrs {
  /** Scale of the negative branch (default 1). */
  alpha?: number;
}

export const eluOp = defineOp({
  name: 'elu',
  family: 'unary',
  doc: 'x > 0 ? x : alpha·(e^x - 1) (alpha = 1)',
  infer: floatUnaryAttrInfer('elu', (a: EluAttrs, x) => requireNumberAttr('elu', 'alpha', eluAlpha(a), x)),
  // d/dx = x > 0 ? 1 : alpha·e^x
  vjp: ({ inputs: [x], dOut, attrs }) => [eluGrad(x!, dOut, eluAlpha(attrs), 1, 1)],
  check: {
    cases: unaryCases<EluAttrs>(fc.oneof(fc.constant({}), fc.record({ alpha: fc.double({ min: -2, max: 3, noNaN: true }) }))),
    inputs: [fIn({ low: -3, high: 3, avoid: [0], margin: 0.1 })],
    secondOrder: true,
  },
  cost: elementwiseCost(3),
});

export const elu = (x: Tensor, attrs: EluAttrs = {}): Tensor => apply1(eluOp, [x], attrs);
