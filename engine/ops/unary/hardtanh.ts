import fc from 'fast-check';
import { unaryCases } from '../../arb.js';
import type { TensorMeta } from '../../backend.js';
import { fIn } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { defineOp } from '../../op.js';
import type { Tensor } from '../../tensor.js';
import { where } from '../binary/where.js';
import { gt } from '../compare/gt.js';
import { lt } from '../compare/lt.js';
import { elementwiseCost } from '../infer.js';
import { attrError, floatUnaryAttrInfer, hardtanhBounds, requireNumberAttr, valuesAwayFrom } from './util.js';

export interface HardtanhAttrs {
  /** Lower bound (default -1). */
  minVal?: number;
  /** Upper bound (default 1); must be >= minVal. */
  maxVal?: number;
}

function validate(a: HardtanhAttrs, x: TensorMeta): void {
  const { minVal, maxVal } = hardtanhBounds(a);
  requireNumberAttr('hardtanh', 'minVal', minVal, x, true);
  requireNumberAttr('hardtanh', 'maxVal', maxVal, x, true);
  if (minVal > maxVal) throw attrError('hardtanh', `minVal ${minVal} and maxVal ${maxVal}`, x, 'minVal must not be greater than maxVal');
}

const bounds = fc.oneof(
  fc.constant<HardtanhAttrs>({}),
  fc.record<HardtanhAttrs>({ minVal: fc.double({ min: -2, max: 1, noNaN: true }) }),
  fc.record<HardtanhAttrs>({ maxVal: fc.double({ min: -1, max: 2, noNaN: true }) }),
  fc.tuple(fc.double({ min: -2, max: 2, noNaN: true }), fc.double({ min: -2, max: 2, noNaN: true })).map(([a, b]) => ({ minVal: Math.min(a, b), maxVal: Math.max(a, b) })),
);

export const hardtanhOp = defineOp({
  name: 'hardtanh',
  family: 'unary',
  doc: 'clamp(x, minVal, maxVal) (-1, 1); NaN stays NaN',
  infer: floatUnaryAttrInfer('hardtanh', validate),
  // d/dx = minVal < x < maxVal ? 1 : 0  (0 at both bounds, as torch)
  vjp: ({ inputs: [x], dOut, attrs }) => {
    const { minVal, maxVal } = hardtanhBounds(attrs);
    return [where(gt(x!, minVal), where(lt(x!, maxVal), dOut, 0), 0)];
  },
  check: {
    cases: unaryCases<HardtanhAttrs>(bounds),
    inputs: [fIn({ low: -3, high: 3 })],
    values: valuesAwayFrom(-3, 3, (a: HardtanhAttrs) => {
      const { minVal, maxVal } = hardtanhBounds(a);
      return [minVal, maxVal];
    }),
    secondOrder: true,
  },
  cost: elementwiseCost(2),
});

export const hardtanh = (x: Tensor, attrs: HardtanhAttrs = {}): Tensor => apply1(hardtanhOp, [x], attrs);
