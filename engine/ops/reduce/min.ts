import { DISTINCT, fIn } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { defineOp } from '../../op.js';
import { sizeOf } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { bytesOf } from '../infer.js';
import { extremumVjp } from './grad.js';
import { reduceCases, reduceInfer, requireNonEmptyReduction, zeroReducedAxis, type ReduceAttrs } from './util.js';

export const minOp = defineOp({
  name: 'min',
  family: 'reduce',
  doc: 'smallest value over axes, all by default (torch.amin); NaN propagates; an empty reduction is an error',
  infer: reduceInfer('min', (x) => x.dtype, (x, axes) => requireNonEmptyReduction('min', x, axes)),
  // d min(x)/dx_i = [x_i == y] / #{j: x_j == y}: ties share the gradient evenly (torch.amin).
  vjp: ({ inputs: [x], outputs: [y], dOut, attrs }) => [extremumVjp('min', x!, y!, dOut, attrs)],
  check: { cases: reduceCases(true, zeroReducedAxis), inputs: [fIn(DISTINCT)], secondOrder: true },
  cost: (inputs, outputs) => ({ flops: sizeOf(inputs[0]!.shape), bytes: bytesOf(inputs) + bytesOf(outputs) }),
});

/** The smallest value over `axes` (torch.amin; use minimum() for the elementwise min of two tensors). */
export const min = (x: Tensor, attrs: ReduceAttrs = {}): Tensor => apply1(minOp, [x], attrs);
