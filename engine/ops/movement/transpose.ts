import fc from 'fast-check';
import { arbAxis, arbShape } from '../../arb.js';
import type { TensorMeta } from '../../backend.js';
import { F } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { defineOp } from '../../op.js';
import { normalizeAxis } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { movementCost, requireArity } from '../infer.js';

export interface TransposeAttrs {
  /** The two dimensions to swap (torch.transpose); negative counts from the end. */
  dim0: number;
  dim1: number;
}

/** The swapped shape; NOTE: like torch, a 0-d tensor accepts dims 0/-1 and is returned as is. */
function transposedShape(x: TensorMeta, attrs: TransposeAttrs): number[] {
  const r = x.shape.length;
  const a = normalizeAxis('transpose', 'dim0', attrs.dim0, r, x.shape);
  const b = normalizeAxis('transpose', 'dim1', attrs.dim1, r, x.shape);
  const out = [...x.shape];
  if (r > 0) [out[a], out[b]] = [x.shape[b]!, x.shape[a]!];
  return out;
}

/** Cases: any shape, two axes (possibly equal) in either sign. */
const cases = arbShape({ zero: true }).chain((s) =>
  fc.record({ shapes: fc.constant([s]), attrs: fc.record({ dim0: arbAxis(s.length), dim1: arbAxis(s.length) }) }),
);

export const transposeOp = defineOp({
  name: 'transpose',
  family: 'movement',
  doc: 'swap two dimensions: out[..., j, ..., i, ...] = x[..., i, ..., j, ...]',
  infer: (inputs: readonly TensorMeta[], attrs: TransposeAttrs) => {
    requireArity('transpose', inputs, 1);
    return [{ shape: transposedShape(inputs[0]!, attrs), dtype: inputs[0]!.dtype }];
  },
  // A swap is its own inverse: dx = transpose(dOut, dim0, dim1).
  vjp: ({ dOut, attrs }) => [transpose(dOut, attrs.dim0, attrs.dim1)],
  check: { cases, inputs: [F], secondOrder: true },
  cost: movementCost,
});

export const transpose = (x: Tensor, dim0: number, dim1: number): Tensor => apply1(transposeOp, [x], { dim0, dim1 });
