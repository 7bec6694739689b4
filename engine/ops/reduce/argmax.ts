import { DISTINCT, fIn } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { defineOp } from '../../op.js';
import { sizeOf } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { bytesOf } from '../infer.js';
import { argCases, argInfer, type ArgAttrs } from './util.js';

export const argmaxOp = defineOp({
  name: 'argmax',
  family: 'reduce',
  doc: 'int32 index of the largest value along axis (into the flattened tensor when axis is undefined); first of ties; no gradient',
  infer: argInfer('argmax'),
  check: { cases: argCases(), inputs: [fIn(DISTINCT)], secondOrder: false },
  cost: (inputs, outputs) => ({ flops: sizeOf(inputs[0]!.shape), bytes: bytesOf(inputs) + bytesOf(outputs) }),
});

/** Index of the largest value (torch.argmax): ties give the first occurrence, a NaN counts as largest. */
export const argmax = (x: Tensor, attrs: ArgAttrs = {}): Tensor => apply1(argmaxOp, [x], attrs);
