import fc from 'fast-check';
import { unaryCases } from '../../arb.js';
import type { TensorMeta } from '../../backend.js';
import { fIn } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { defineOp } from '../../op.js';
import type { Tensor } from '../../tensor.js';
import { elementwiseCost } from '../infer.js';
import { attrError, eluAlpha, eluGrad, floatUnaryAttrInfer, requireNumberAttr } from './util.js';

export interface CeluAttrs {
  /** Scale and inverse input scale of the negative branch (default 1; must be nonzero). */
  alpha?: number;
}

function validate(a: CeluAttrs, x: TensorMeta): void {
  const alpha = eluAlpha(a);
  requireNumberAttr('celu', 'alpha', alpha, x);
  if (alpha === 0) throw attrError('celu', 'alpha 0', x, 'must be nonzero (celu divides x by alpha)');
}

export const celuOp = defineOp({
  name: 'celu',
  family: 'unary',
  doc: 'max(0, x) + min(0, alpha·(e^{x/alpha} - 1)) (alpha = 1; Barron 2017)',
  infer: floatUnaryAttrInfer('celu', validate),
  // d/dx = x > 0 ? 1 : e^{x/alpha}
  vjp: ({ inputs: [x], dOut, attrs }) => {
    const alpha = eluAlpha(attrs);
    return [eluGrad(x!, dOut, alpha, 1, 1 / alpha)];
  },
  check: {
    cases: unaryCases<CeluAttrs>(
      fc.oneof(fc.constant({}), fc.record({ alpha: fc.oneof(fc.double({ min: 0.25, max: 3, noNaN: true }), fc.double({ min: -3, max: -0.5, noNaN: true })) })),
    ),
    inputs: [fIn({ low: -2, high: 2, avoid: [0], margin: 0.1 })],
    secondOrder: true,
  },
  cost: elementwiseCost(4),
});

export const celu = (x: Tensor, attrs: CeluAttrs = {}): Tensor => apply1(celuOp, [x], attrs);
