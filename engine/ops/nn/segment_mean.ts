import { F } from '../../check.js';
import { ones } from '../../creation.js';
import { apply1 } from '../../dispatch.js';
import { defineOp } from '../../op.js';
import { sizeOf } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { div } from '../binary/div.js';
import { maximum } from '../binary/maximum.js';
import { bytesOf } from '../infer.js';
import { indexSelect } from '../movement/index_select.js';
import { reshape } from '../movement/reshape.js';
import { segmentCases, segmentIdValues, segmentInfer, type SegmentAttrs } from './segment-util.js';
import { segmentSum } from './segment_sum.js';

/** max(1, edges per segment), shaped (N, 1, ...) to broadcast against (N, ...) rows of `like`. */
function segmentDivisor(ids: Tensor, like: Tensor, numSegments: number): Tensor {
  const counts = segmentSum(ones([ids.size], { dtype: like.dtype, backend: like.backend }), ids, numSegments); // (N)
  return reshape(maximum(counts, 1), [numSegments, ...like.shape.slice(1).map(() => 1)]);
}

export const segmentMeanOp = defineOp({
  name: 'segment_mean',
  family: 'nn',
  doc: 'out[s] = mean over edges e with segmentIds[e] = s of data[e]; empty segments are 0',
  infer: segmentInfer('segment_mean', { rows: 'segments', float: true }),
  // out = segment_sum(data) / count: dData = (dOut / count)[ids] (the counts are constant).
  vjp: ({ inputs: [data, ids], dOut, attrs }) => [indexSelect(div(dOut, segmentDivisor(ids!, data!, attrs.numSegments)), ids!, { axis: 0 }), null],
  decompose: ([data, ids], attrs) => [div(segmentSum(data!, ids!, attrs.numSegments), segmentDivisor(ids!, data!, attrs.numSegments))],
  check: { cases: segmentCases, inputs: [F, { kind: 'int32' }], values: segmentIdValues, secondOrder: true },
  // One add per data element and one divide per output element.
  cost: (inputs, outputs) => ({ flops: sizeOf(inputs[0]!.shape) + sizeOf(outputs[0]!.shape), bytes: bytesOf(inputs) + bytesOf(outputs) }),
});

/**
 * Mean of the rows of data (E, ...) per segment: out (numSegments, ...). Ids need not be sorted and must
 * lie in [0, numSegments) (ValueError from the kernel). Empty segments give 0 (torch_scatter's scatter_mean).
 */
export const segmentMean = (data: Tensor, segmentIds: Tensor, numSegments: number): Tensor =>
  apply1(segmentMeanOp, [data, segmentIds], { numSegments });
