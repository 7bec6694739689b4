// STUB: replace with the real definition (see engine/ops/binary/add.ts, unary/exp.ts, reduce/sum.ts).
import fc from 'fast-check';
import { F } from '../../check.js';
import { ValueError } from '../../errors.js';
import { defineOp } from '../../op.js';

export const sliceScatterOp = defineOp({
  name: 'slice_scatter',
  family: 'movement',
  doc: 'not implemented',
  infer: (): never => {
    throw new ValueError('slice_scatter', 'not implemented');
  },
  check: { cases: fc.constant({ shapes: [[1]], attrs: {} }), inputs: [F], secondOrder: false },
  cost: () => ({ flops: 0, bytes: 0 }),
});
