// STUB: replace with the real definition (see engine/ops/nn/softmax.ts, binary/add.ts, reduce/sum.ts).
import fc from 'fast-check';
import { F } from '../../check.js';
import { ValueError } from '../../errors.js';
import { defineOp } from '../../op.js';

export const scaledDotProductAttentionOp = defineOp({
  name: 'scaled_dot_product_attention',
  family: 'nn',
  doc: 'not implemented',
  infer: (): never => {
    throw new ValueError('scaled_dot_product_attention', 'not implemented');
  },
  check: { cases: fc.constant({ shapes: [[1]], attrs: {} }), inputs: [F], secondOrder: false },
  cost: () => ({ flops: 0, bytes: 0 }),
});
