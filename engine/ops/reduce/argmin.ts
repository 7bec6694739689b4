import { DISTINCT, fIn } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { defineOp } from '../../op.js';
import { sizeOf } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { bytesOf } from '../infer.js';
import { argCases, argInfer, type ArgAttrs } from './util.js';

export const argminOp = defineOp({
  name: 'argmin',
  family: 'reduce',
  doc: 'int32 index of the smallest value along axis (into the flattened tensor when axis is undefined); first of ties; no gradient',
  infer: argInfer('argmin'),
  check: { cases: argCases(), inputs: [fIn(DISTINCT)], secondOrder: false },
  cost: (inputs, outputs) => ({ flops: sizeOf(inputs[0]!.shape), bytes: bytesOf(inputs) + bytesOf(outputs) }),
});

/** Index of the smallest value (torch.argmin): ties give the first occurrence, a NaN counts as smallest. */
export const argmin = (x: Tensor, attrs: ArgAttrs = {}): Tensor => apply1(argminOp, [x], attrs);
