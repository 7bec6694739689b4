import fc from 'fast-check';
import { arbShape } from '../../arb.js';
import type { TensorMeta } from '../../backend.js';
import { F } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { defineOp } from '../../op.js';
import { normalizeAxis } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { movementCost, requireArity } from '../infer.js';
import { reshape } from './reshape.js';

export interface UnsqueezeAttrs {
  /** Position of the new size-1 dim in the output, in [-rank-1, rank] (torch.unsqueeze). */
  axis: number;
}

function unsqueezedShape(x: TensorMeta, attrs: UnsqueezeAttrs): number[] {
  // The axis indexes the output, which has rank + 1 dims.
  const a = normalizeAxis('unsqueeze', 'axis', attrs.axis, x.shape.length + 1, x.shape);
  return [...x.shape.slice(0, a), 1, ...x.shape.slice(a)];
}

/** Cases: any shape, every insertion position in either sign. */
const cases = arbShape({ zero: true }).chain((s) =>
  fc.record({ shapes: fc.constant([s]), attrs: fc.record({ axis: fc.integer({ min: -s.length - 1, max: s.length }) }) }),
);

export const unsqueezeOp = defineOp({
  name: 'unsqueeze',
  family: 'movement',
  doc: 'insert a size-1 dimension at axis; same elements in the same order',
  infer: (inputs: readonly TensorMeta[], attrs: UnsqueezeAttrs) => {
    requireArity('unsqueeze', inputs, 1);
    return [{ shape: unsqueezedShape(inputs[0]!, attrs), dtype: inputs[0]!.dtype }];
  },
  // Only the shape changes: dx = reshape(dOut, x.shape).
  vjp: ({ inputs: [x], dOut }) => [reshape(dOut, x!.shape)],
  check: { cases, inputs: [F], secondOrder: true },
  cost: movementCost,
});

export const unsqueeze = (x: Tensor, axis: number): Tensor => apply1(unsqueezeOp, [x], { axis });
