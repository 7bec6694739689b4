import fc from 'fast-check';
import { arbAxes, arbShape } from '../../arb.js';
import type { TensorMeta } from '../../backend.js';
import { F } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { defineOp } from '../../op.js';
import { normalizeAxes } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { movementCost, requireArity } from '../infer.js';

export interface FlipAttrs {
  /** Dims to reverse (torch.flip dims); negative counts from the end, no repeats. */
  axes: readonly number[];
}

/** Cases: any shape, any subset of its axes in either sign (all axes when arbAxes draws none). */
const cases = arbShape({ zero: true }).chain((s) =>
  fc.record({
    shapes: fc.constant([s]),
    attrs: arbAxes(s.length).map((axes) => ({ axes: axes ?? Array.from({ length: s.length }, (_, i) => i) }) as FlipAttrs),
  }),
);

export const flipOp = defineOp({
  name: 'flip',
  family: 'movement',
  doc: 'reverse the order of elements along the listed axes: out[..., j, ...] = x[..., n-1-j, ...]',
  infer: (inputs: readonly TensorMeta[], attrs: FlipAttrs) => {
    requireArity('flip', inputs, 1);
    const x = inputs[0]!;
    normalizeAxes('flip', 'axes', attrs.axes, x.shape);
    return [{ shape: x.shape, dtype: x.dtype }];
  },
  // A reversal is its own inverse: dx = flip(dOut, axes).
  vjp: ({ dOut, attrs }) => [flip(dOut, attrs.axes)],
  check: { cases, inputs: [F], secondOrder: true },
  cost: movementCost,
});

export const flip = (x: Tensor, axes: readonly number[]): Tensor => apply1(flipOp, [x], { axes });
