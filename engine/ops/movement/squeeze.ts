import fc from 'fast-check';
import { arbAxes, arbAxis, arbShape } from '../../arb.js';
import type { TensorMeta } from '../../backend.js';
import { F } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { defineOp } from '../../op.js';
import { normalizeAxes } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { movementCost, requireArity } from '../infer.js';
import { reshape } from './reshape.js';

export interface SqueezeAttrs {
  /** Dims to remove if they have size 1; undefined removes every size-1 dim. */
  axes?: number | readonly number[];
}

// NOTE: as in torch 2.x, a listed dim whose size is not 1 is kept silently (no error).
function squeezedShape(x: TensorMeta, attrs: SqueezeAttrs): number[] {
  const axes = normalizeAxes('squeeze', 'axes', attrs.axes, x.shape);
  return x.shape.filter((d, k) => !(d === 1 && axes.includes(k)));
}

/** Cases: shapes rich in size-1 dims; all, one or several axes (some of them not size 1). */
const cases = fc
  .tuple(arbShape({ zero: true, maxDim: 3 }), fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }))
  .map(([s, ones]) => s.map((d, k) => (ones[k] ? 1 : d)))
  .chain((s) =>
    fc.record({
      shapes: fc.constant([s]),
      attrs: fc.oneof(arbAxes(s.length), arbAxis(s.length)).map((axes) => (axes === undefined ? {} : { axes }) as SqueezeAttrs),
    }),
  );

export const squeezeOp = defineOp({
  name: 'squeeze',
  family: 'movement',
  doc: 'remove size-1 dimensions (all of them, or those listed); same elements in the same order',
  infer: (inputs: readonly TensorMeta[], attrs: SqueezeAttrs) => {
    requireArity('squeeze', inputs, 1);
    return [{ shape: squeezedShape(inputs[0]!, attrs), dtype: inputs[0]!.dtype }];
  },
  // Only the shape changes: dx = reshape(dOut, x.shape).
  vjp: ({ inputs: [x], dOut }) => [reshape(dOut, x!.shape)],
  check: { cases, inputs: [F], secondOrder: true },
  cost: movementCost,
});

export const squeeze = (x: Tensor, axes?: number | readonly number[]): Tensor => apply1(squeezeOp, [x], axes === undefined ? {} : { axes });
