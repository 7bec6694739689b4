import { F } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { defineOp } from '../../op.js';
import { normalizeAxes, sizeOf } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { div } from '../binary/div.js';
import { bytesOf, requireFloat } from '../infer.js';
import { broadcastBack } from './grad.js';
import { emptyValueReduction, reduceCases, reduceInfer, reductionSize, type ReduceAttrs } from './util.js';

export const meanOp = defineOp({
  name: 'mean',
  family: 'reduce',
  doc: 'arithmetic mean over axes (all by default): sum(x) / N; float only; NaN over an empty set (torch)',
  infer: reduceInfer('mean', (x) => x.dtype, (x) => requireFloat('mean', 'x', x)),
  // d/dx_i mean(x) = 1/N: the upstream gradient is broadcast back and divided by N.
  vjp: ({ inputs: [x], dOut, attrs }) => {
    const axes = normalizeAxes('mean', 'axes', attrs.axes, x!.shape);
    return [div(broadcastBack(dOut, x!.shape, axes), reductionSize(x!.shape, axes))];
  },
  // NOTE: an empty reduction gives 0/0 = NaN like torch; such cases are left out of the checks.
  check: { cases: reduceCases(true, emptyValueReduction), inputs: [F], secondOrder: true },
  cost: (inputs, outputs) => ({
    flops: sizeOf(inputs[0]!.shape) + sizeOf(outputs[0]!.shape),
    bytes: bytesOf(inputs) + bytesOf(outputs),
  }),
});

export const mean = (x: Tensor, attrs: ReduceAttrs = {}): Tensor => apply1(meanOp, [x], attrs);
