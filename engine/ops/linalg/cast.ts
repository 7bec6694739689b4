import fc from 'fast-check';
import { arbShape } from '../../arb.js';
import type { TensorMeta } from '../../backend.js';
import { F } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { DTYPES, isFloat, type DType } from '../../dtype.js';
import { ValueError } from '../../errors.js';
import { defineOp } from '../../op.js';
import type { Tensor } from '../../tensor.js';
import { movementCost, requireArity } from '../infer.js';

export interface CastAttrs {
  dtype: DType;
}

export const castOp = defineOp({
  name: 'cast',
  family: 'linalg',
  doc: 'convert to another dtype (float to int32 truncates toward zero; to bool is x != 0)',
  infer: (inputs: readonly TensorMeta[], attrs: CastAttrs) => {
    requireArity('cast', inputs, 1);
    if (!DTYPES.includes(attrs.dtype)) throw new ValueError('cast', `dtype '${String(attrs.dtype)}' is not one of ${DTYPES.join(', ')}`);
    return [{ shape: inputs[0]!.shape, dtype: attrs.dtype }];
  },
  // Between float dtypes the gradient is cast back; to int32/bool the output carries no gradient.
  vjp: ({ inputs: [x], dOut }) => [isFloat(x!.dtype) ? cast(dOut, x!.dtype) : null],
  check: {
    cases: fc.record({ shapes: arbShape({ zero: true }).map((s) => [s]), // Float64 target only: finite differences through float32 rounding are noise (the float32 path is
    // covered by the dtype tests).
    attrs: fc.constant<CastAttrs>({ dtype: 'float64' }) }),
    inputs: [F],
    secondOrder: true,
  },
  cost: movementCost,
});

export const cast = (x: Tensor, dtype: DType): Tensor => apply1(castOp, [x], { dtype });
