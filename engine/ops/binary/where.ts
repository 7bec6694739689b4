import fc from 'fast-check';
import { arbBroadcastShapes } from '../../arb.js';
import type { TensorMeta } from '../../backend.js';
import { F } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { promoteTypes } from '../../dtype.js';
import { defineOp } from '../../op.js';
import { broadcastShapes } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { zerosLike } from '../../creation.js';
import { unbroadcast } from '../grad-util.js';
import { elementwiseCost, requireArity, requireDType } from '../infer.js';
import { lift, type TensorLike } from '../lift.js';

export const whereOp = defineOp({
  name: 'where',
  family: 'binary',
  doc: 'cond ? a : b elementwise, all three broadcast; cond is bool',
  infer: (inputs: readonly TensorMeta[], _attrs: Record<string, never>) => {
    requireArity('where', inputs, 3);
    const [c, a, b] = inputs as [TensorMeta, TensorMeta, TensorMeta];
    requireDType('where', 'cond', c, ['bool']);
    const shape = broadcastShapes('where', [c.shape, a.shape, b.shape], ['cond', 'a', 'b']);
    return [{ shape, dtype: promoteTypes(a.dtype, b.dtype) }];
  },
  // The gradient goes to a where cond holds and to b elsewhere; none to cond.
  vjp: ({ inputs: [c, a, b], dOut }) => {
    const zero = zerosLike(dOut);
    return [null, unbroadcast(where(c!, dOut, zero), a!.shape), unbroadcast(where(c!, zero, dOut), b!.shape)];
  },
  check: {
    cases: fc.record({ shapes: arbBroadcastShapes(3, { zero: true }), attrs: fc.constant({} as Record<string, never>) }),
    inputs: [{ kind: 'bool', domain: { low: 0, high: 1 } }, F, F],
    secondOrder: true,
  },
  cost: elementwiseCost(1),
});

/** cond ? a : b; numbers are lifted against the other branch. */
export function where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = lift('where', a, b);
  return apply1(whereOp, [cond, x, y], {});
}
