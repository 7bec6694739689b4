import { DISTINCT, fIn } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { defineOp } from '../../op.js';
import { sizeOf } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { bytesOf } from '../infer.js';
import { extremumVjp } from './grad.js';
import { reduceCases, reduceInfer, requireNonEmptyReduction, zeroReducedAxis, type ReduceAttrs } from './util.js';

export const maxOp = defineOp({
  name: 'max',
  family: 'reduce',
  doc: 'largest value over axes, all by default (torch.amax); NaN propagates; an empty reduction is an error',
  infer: reduceInfer('max', (x) => x.dtype, (x, axes) => requireNonEmptyReduction('max', x, axes)),
  // d max(x)/dx_i = [x_i == y] / #{j: x_j == y}: ties share the gradient evenly (torch.amax).
  vjp: ({ inputs: [x], outputs: [y], dOut, attrs }) => [extremumVjp('max', x!, y!, dOut, attrs)],
  check: { cases: reduceCases(true, zeroReducedAxis), inputs: [fIn(DISTINCT)], secondOrder: true },
  cost: (inputs, outputs) => ({ flops: sizeOf(inputs[0]!.shape), bytes: bytesOf(inputs) + bytesOf(outputs) }),
});

/** The largest value over `axes` (torch.amax; use maximum() for the elementwise max of two tensors). */
export const max = (x: Tensor, attrs: ReduceAttrs = {}): Tensor => apply1(maxOp, [x], attrs);
