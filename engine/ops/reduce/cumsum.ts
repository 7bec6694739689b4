import fc from 'fast-check';
import { arbAxis, arbShape } from '../../arb.js';
import type { TensorMeta } from '../../backend.js';
import { F } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { isFloat } from '../../dtype.js';
import { ValueError, fmtShape } from '../../errors.js';
import { defineOp } from '../../op.js';
import { normalizeAxis } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { elementwiseCost, requireArity } from '../infer.js';

export interface CumsumAttrs {
  axis: number;
  /** Sum from the end: out[i] = sum_{j >= i} x[j] (TensorFlow's reverse=True). */
  reverse?: boolean;
}

export const cumsumOp = defineOp({
  name: 'cumsum',
  family: 'reduce',
  doc: 'running sum along axis: out[i] = sum_{j <= i} x[j] (j >= i with reverse); ints and bools sum to int32',
  infer: (inputs: readonly TensorMeta[], attrs: CumsumAttrs) => {
    requireArity('cumsum', inputs, 1);
    const x = inputs[0]!;
    if (attrs.axis === undefined) throw new ValueError('cumsum', `axis is required (got undefined) for a tensor of shape ${fmtShape(x.shape)}`);
    normalizeAxis('cumsum', 'axis', attrs.axis, x.shape.length, x.shape);
    return [{ shape: x.shape, dtype: isFloat(x.dtype) ? x.dtype : 'int32' }];
  },
  // out_i = sum_{j <= i} x_j, so dX_j = sum_{i >= j} dOut_i: a cumsum in the opposite direction.
  vjp: ({ dOut, attrs }) => [cumsum(dOut, { axis: attrs.axis, reverse: !(attrs.reverse ?? false) })],
  check: {
    cases: arbShape({ zero: true }).chain((s) =>
      fc.record({ shapes: fc.constant([s]), attrs: fc.record({ axis: arbAxis(s.length), reverse: fc.boolean() }) }),
    ),
    inputs: [F],
    secondOrder: true,
  },
  cost: elementwiseCost(1),
});

export const cumsum = (x: Tensor, attrs: CumsumAttrs): Tensor => apply1(cumsumOp, [x], attrs);
