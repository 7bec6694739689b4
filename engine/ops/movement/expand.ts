import fc from 'fast-check';
import { arbShape } from '../../arb.js';
import type { TensorMeta } from '../../backend.js';
import { F } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { ShapeError, fmtShape } from '../../errors.js';
import { defineOp } from '../../op.js';
import { checkShape } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { unbroadcast } from '../grad-util.js';
import { movementCost, requireArity } from '../infer.js';

export interface ExpandAttrs {
  /** Target shape; -1 keeps the input's size in that position. */
  shape: readonly number[];
}

function expandShape(x: TensorMeta, target: readonly number[]): number[] {
  const lead = target.length - x.shape.length;
  if (lead < 0) throw new ShapeError('expand', `x ${fmtShape(x.shape)} has more dimensions than the target ${fmtShape(target)}`);
  const out = target.map((d, k) => (d === -1 && k >= lead ? x.shape[k - lead]! : d));
  checkShape('expand', 'shape', out);
  x.shape.forEach((d, j) => {
    const t = out[j + lead]!;
    if (d !== 1 && d !== t) throw new ShapeError('expand', `x ${fmtShape(x.shape)} cannot be expanded to ${fmtShape(target)}: dimension ${j} is ${d}, not 1 or ${t}`);
  });
  return out;
}

/** Cases: target shape, input = a suffix of it with some dims set to 1. */
const cases = arbShape({ zero: true }).chain((target) =>
  fc.tuple(fc.integer({ min: 0, max: target.length }), fc.array(fc.boolean(), { minLength: target.length, maxLength: target.length })).map(([drop, ones]) => ({
    shapes: [target.slice(drop).map((d, i) => (ones[i + drop] ? 1 : d))],
    attrs: { shape: target } as ExpandAttrs,
  })),
);

export const expandOp = defineOp({
  name: 'expand',
  family: 'movement',
  doc: 'broadcast x to a larger shape (size-1 dims repeat, new leading dims are added)',
  infer: (inputs: readonly TensorMeta[], attrs: ExpandAttrs) => {
    requireArity('expand', inputs, 1);
    return [{ shape: expandShape(inputs[0]!, attrs.shape), dtype: inputs[0]!.dtype }];
  },
  // The gradient of a broadcast is the sum over the repeated positions.
  vjp: ({ inputs: [x], dOut }) => [unbroadcast(dOut, x!.shape)],
  check: { cases, inputs: [F], secondOrder: true },
  cost: movementCost,
});

export const expand = (x: Tensor, shape: readonly number[]): Tensor => apply1(expandOp, [x], { shape });
