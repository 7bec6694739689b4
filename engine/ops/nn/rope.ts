// STUB: replace with the real definition (see engine/ops/nn/softmax.ts, binary/add.ts, reduce/sum.ts).
import fc from 'fast-check';
import { F } from '../../check.js';
import { ValueError } from '../../errors.js';
import { defineOp } from '../../op.js';

export const ropeOp = defineOp({
  name: 'rope',
  family: 'nn',
  doc: 'not implemented',
  infer: (): never => {
    throw new ValueError('rope', 'not implemented');
  },
  check: { cases: fc.constant({ shapes: [[1]], attrs: {} }), inputs: [F], secondOrder: false },
  cost: () => ({ flops: 0, bytes: 0 }),
});
