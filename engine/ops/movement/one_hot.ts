import fc from 'fast-check';
import { arbShape } from '../../arb.js';
import type { TensorMeta } from '../../backend.js';
import { DTYPES, type DType } from '../../dtype.js';
import { apply1 } from '../../dispatch.js';
import { ValueError, fmtShape } from '../../errors.js';
import { defineOp } from '../../op.js';
import { sizeOf } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { movementCost, requireArity } from '../infer.js';
import { indexValues, requireIndex } from './indexing-util.js';

export interface OneHotAttrs {
  /** Number of classes C: index values must lie in [0, C). */
  numClasses: number;
  /** Output dtype (default float32; torch returns int64). */
  dtype?: DType;
}

function oneHotInfer(inputs: readonly TensorMeta[], attrs: OneHotAttrs): TensorMeta[] {
  requireArity('one_hot', inputs, 1);
  const index = inputs[0]!;
  requireIndex('one_hot', 'index', index);
  const c = attrs.numClasses;
  if (!Number.isInteger(c) || c < 1) {
    throw new ValueError('one_hot', `numClasses ${c} for index ${fmtShape(index.shape)} must be an integer >= 1 (inferring it from the data, torch's -1, is not supported)`);
  }
  const dtype = attrs.dtype ?? 'float32';
  if (!DTYPES.includes(dtype)) throw new ValueError('one_hot', `dtype '${String(dtype)}' is not one of ${DTYPES.join(', ')}`);
  return [{ shape: [...index.shape, c], dtype }];
}

/** Cases: index of rank 0-3 (zero-size dims), 1-5 classes, every output dtype. */
const cases = fc.record({
  shapes: arbShape({ maxRank: 3, zero: true }).map((s) => [s]),
  attrs: fc.record({ numClasses: fc.integer({ min: 1, max: 5 }), dtype: fc.option(fc.constantFrom(...DTYPES), { nil: undefined }) }),
});

export const oneHotOp = defineOp({
  name: 'one_hot',
  family: 'movement',
  doc: 'out[..., c] = (index[...] == c) for c < numClasses (torch.nn.functional.one_hot); no gradient',
  infer: oneHotInfer,
  check: {
    cases,
    inputs: [{ kind: 'int32' }],
    values: (c, src) => [indexValues(sizeOf(c.shapes[0]!), c.attrs.numClasses, src)],
    secondOrder: false,
  },
  cost: movementCost,
});

/**
 * torch.nn.functional.one_hot(index, num_classes). NOTE: numClasses is required (torch's -1 would
 * need to read the data); values outside [0, numClasses) are a ValueError from the kernel.
 */
export const oneHot = (index: Tensor, attrs: OneHotAttrs): Tensor => apply1(oneHotOp, [index], attrs);
