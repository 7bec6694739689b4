import fc from 'fast-check';
import { unaryCases } from '../../arb.js';
import type { TensorMeta } from '../../backend.js';
import { fIn } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { defineOp } from '../../op.js';
import type { Tensor } from '../../tensor.js';
import { mul } from '../binary/mul.js';
import { where } from '../binary/where.js';
import { gt } from '../compare/gt.js';
import { elementwiseCost } from '../infer.js';
import { sigmoid } from './sigmoid.js';
import { attrError, floatUnaryAttrInfer, requireNumberAttr, softplusParams, valuesAwayFrom } from './util.js';

export interface SoftplusAttrs {
  /** Sharpness: softplus(x) = log(1 + e^{βx})/β (default 1; nonzero). */
  beta?: number;
  /** Above βx > threshold the result is x (default 20), as torch. */
  threshold?: number;
}

function validate(a: SoftplusAttrs, x: TensorMeta): void {
  const { beta, threshold } = softplusParams(a);
  requireNumberAttr('softplus', 'beta', beta, x);
  requireNumberAttr('softplus', 'threshold', threshold, x, true);
  if (beta === 0) throw attrError('softplus', 'beta 0', x, 'must be nonzero (softplus divides by beta)');
}

export const softplusOp = defineOp({
  name: 'softplus',
  family: 'unary',
  doc: 'βx > threshold ? x : log(1 + e^{βx})/β (β = 1, threshold = 20), computed without overflow',
  infer: floatUnaryAttrInfer('softplus', validate),
  // d/dx = βx > threshold ? 1 : σ(βx)
  // NOTE: like torch, the function jumps at βx = threshold (by log1p(e^{-threshold})/β).
  vjp: ({ inputs: [x], dOut, attrs }) => {
    const { beta, threshold } = softplusParams(attrs);
    const bx = mul(x!, beta);
    return [where(gt(bx, threshold), dOut, mul(dOut, sigmoid(bx)))];
  },
  check: {
    cases: unaryCases<SoftplusAttrs>(
      fc.record(
        { beta: fc.constantFrom(1, 2, 0.5, -1, 3), threshold: fc.constantFrom(20, 1, 0, -0.5, 2.5) },
        { requiredKeys: [] },
      ),
    ),
    inputs: [fIn({ low: -3, high: 3 })],
    // Samples stay away from the jump at x = threshold/β.
    values: valuesAwayFrom(-3, 3, (a: SoftplusAttrs) => {
      const { beta, threshold } = softplusParams(a);
      return [threshold / beta];
    }),
    secondOrder: true,
  },
  cost: elementwiseCost(4),
});

export const softplus = (x: Tensor, attrs: SoftplusAttrs = {}): Tensor => apply1(softplusOp, [x], attrs);
