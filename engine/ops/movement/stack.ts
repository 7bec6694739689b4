import fc from 'fast-check';
import { arbShape } from '../../arb.js';
import type { TensorMeta } from '../../backend.js';
import { F } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { AxisError, ShapeError, ValueError, fmtShape } from '../../errors.js';
import { defineOp } from '../../op.js';
import { normalizeAxis, sameShape } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { movementCost } from '../infer.js';
import { joinDType } from './indexing-util.js';
import { reshape } from './reshape.js';
import { split } from './split.js';

export interface StackAttrs {
  /** Position of the new axis in the output, in [-rank-1, rank] (default 0). */
  axis?: number;
}

/** torch.stack: equal shapes, a new axis of size n inserted at `axis`. */
function stackShape(inputs: readonly TensorMeta[], axisAttr: number | undefined): number[] {
  if (inputs.length === 0) throw new ValueError('stack', 'tensors is empty; expected at least one tensor');
  const first = inputs[0]!.shape;
  inputs.forEach(({ shape }, i) => {
    if (!sameShape(shape, first)) throw new ShapeError('stack', `tensors[${i}] ${fmtShape(shape)} and tensors[0] ${fmtShape(first)} differ in shape; stack needs equal shapes`);
  });
  // The new axis indexes the output, whose rank is rank + 1.
  const r = first.length;
  const a = axisAttr ?? 0;
  if (!Number.isInteger(a) || a < -r - 1 || a > r) {
    throw new AxisError('stack', `axis ${a} is out of range [${-r - 1}, ${r}] for tensors of shape ${fmtShape(first)}`);
  }
  const axis = a < 0 ? a + r + 1 : a;
  return [...first.slice(0, axis), inputs.length, ...first.slice(axis)];
}

/** Cases: 1-4 inputs of one shape (rank 0-3, zero-size dims), new axis anywhere in [-rank-1, rank]. */
const cases = arbShape({ maxRank: 3, zero: true }).chain((s) =>
  fc.record({
    shapes: fc.integer({ min: 1, max: 4 }).map((n) => Array.from({ length: n }, () => s)),
    attrs: fc.record({ axis: fc.option(fc.integer({ min: -s.length - 1, max: s.length }), { nil: undefined }) }),
  }),
);

export const stackOp = defineOp({
  name: 'stack',
  family: 'movement',
  doc: 'join equal-shaped tensors along a new axis (torch.stack); dtypes are promoted together',
  infer: (inputs: readonly TensorMeta[], attrs: StackAttrs) => [{ shape: stackShape(inputs, attrs.axis), dtype: joinDType(inputs) }],
  // x_i is slice i of the output along the new axis: dX_i = dOut[..., i, ...] with that axis dropped.
  vjp: ({ inputs, dOut, attrs }) => {
    const axis = normalizeAxis('stack', 'axis', attrs.axis ?? 0, dOut.rank);
    return split(dOut, { axis, sizes: 1 }).map((g, i) => reshape(g, inputs[i]!.shape));
  },
  check: { cases, inputs: [F], secondOrder: true },
  cost: movementCost,
});

/** torch.stack(tensors, dim=axis). */
export const stack = (tensors: readonly Tensor[], attrs: StackAttrs = {}): Tensor => apply1(stackOp, tensors, attrs);
