import type { TensorMeta } from '../../backend.js';
import { F } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { isFloat } from '../../dtype.js';
import { defineOp } from '../../op.js';
import { normalizeAxes, sizeOf } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { expand } from '../movement/expand.js';
import { reshape } from '../movement/reshape.js';
import { bytesOf } from '../infer.js';
import { reduceCases, reduceInfer, reducedShape, type ReduceAttrs } from './util.js';

const sumDType = (x: TensorMeta) => (isFloat(x.dtype) ? x.dtype : 'int32');

export const sumOp = defineOp({
  name: 'sum',
  family: 'reduce',
  doc: 'sum over axes (all by default), optionally keeping reduced axes as size 1; ints sum to int32',
  infer: reduceInfer('sum', sumDType),
  // d/dx_i sum(x) = 1: the upstream gradient is broadcast back over the reduced axes.
  vjp: ({ inputs: [x], dOut, attrs }) => {
    const axes = normalizeAxes('sum', 'axes', attrs.axes, x!.shape);
    return [expand(reshape(dOut, reducedShape(x!.shape, axes, true)), x!.shape)];
  },
  check: { cases: reduceCases(), inputs: [F], secondOrder: true },
  cost: (inputs, outputs) => ({ flops: sizeOf(inputs[0]!.shape), bytes: bytesOf(inputs) + bytesOf(outputs) }),
});

export const sum = (x: Tensor, attrs: ReduceAttrs = {}): Tensor => apply1(sumOp, [x], attrs);
