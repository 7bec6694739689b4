import { F } from '../../check.js';
import { zeros } from '../../creation.js';
import { apply1 } from '../../dispatch.js';
import { defineOp } from '../../op.js';
import { sizeOf } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { bytesOf } from '../infer.js';
import { expand } from '../movement/expand.js';
import { indexSelect } from '../movement/index_select.js';
import { reshape } from '../movement/reshape.js';
import { scatterAdd } from '../movement/scatter_add.js';
import { segmentCases, segmentIdValues, segmentInfer, type SegmentAttrs } from './segment-util.js';

export type { SegmentAttrs } from './segment-util.js';

export const segmentSumOp = defineOp({
  name: 'segment_sum',
  family: 'nn',
  doc: 'out[s] = Σ over edges e with segmentIds[e] = s of data[e]; empty segments are 0 (unsorted ids, like index_add)',
  infer: segmentInfer('segment_sum', { rows: 'segments', float: false }),
  // out = S data with S[s, e] = [ids[e] = s]: dData = Sᵀ dOut = dOut[ids] (rows gathered back).
  vjp: ({ inputs: [, ids], dOut }) => [indexSelect(dOut, ids!, { axis: 0 }), null],
  // zeros (N, ...) with every data row scatter-added to its segment's row.
  decompose: ([data, ids], attrs) => {
    const [E, ...rest] = data!.shape;
    const index = expand(reshape(ids!, [E!, ...rest.map(() => 1)]), data!.shape); // (E, ...)
    const out = zeros([attrs.numSegments, ...rest], { dtype: data!.dtype, backend: data!.backend });
    return [scatterAdd(out, index, data!, { axis: 0 })];
  },
  check: { cases: segmentCases, inputs: [F, { kind: 'int32' }], values: segmentIdValues, secondOrder: true },
  // One add per data element; data and ids read once, the output written once.
  cost: (inputs, outputs) => ({ flops: sizeOf(inputs[0]!.shape), bytes: bytesOf(inputs) + bytesOf(outputs) }),
});

/**
 * Sums the rows of data (E, ...) per segment: out (numSegments, ...), out[s] = Σ_{e: ids[e] = s} data[e].
 * Ids need not be sorted; they must lie in [0, numSegments) (ValueError from the kernel). Empty segments give 0.
 */
export const segmentSum = (data: Tensor, segmentIds: Tensor, numSegments: number): Tensor =>
  apply1(segmentSumOp, [data, segmentIds], { numSegments });
