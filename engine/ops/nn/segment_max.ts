import { DISTINCT, fIn } from '../../check.js';
import { arange, zeros } from '../../creation.js';
import { apply1 } from '../../dispatch.js';
import { isFloat } from '../../dtype.js';
import { defineOp } from '../../op.js';
import { sizeOf } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { div } from '../binary/div.js';
import { maximum } from '../binary/maximum.js';
import { where } from '../binary/where.js';
import { eq } from '../compare/eq.js';
import { gt } from '../compare/gt.js';
import { bytesOf } from '../infer.js';
import { cast } from '../linalg/cast.js';
import { indexSelect } from '../movement/index_select.js';
import { reshape } from '../movement/reshape.js';
import { max } from '../reduce/max.js';
import { sum } from '../reduce/sum.js';
import { segmentCases, segmentIdValues, segmentInfer, type SegmentAttrs } from './segment-util.js';
import { segmentSum } from './segment_sum.js';

/** Dense form: an (E, N, ...) table holding data[e] where e belongs to segment s and the dtype's lowest value elsewhere. */
function segmentMaxDense(data: Tensor, ids: Tensor, numSegments: number): Tensor {
  const [E, ...rest] = data.shape;
  const ones = rest.map(() => 1);
  if (E === 0) return zeros([numSegments, ...rest], { dtype: data.dtype, backend: data.backend });
  const member = eq(reshape(ids, [E!, 1]), reshape(arange(numSegments, undefined, 1, { dtype: 'int32', backend: ids.backend }), [1, numSegments])); // (E, N)
  const lowest = isFloat(data.dtype) ? -Infinity : -(2 ** 31);
  const table = where(reshape(member, [E!, numSegments, ...ones]), reshape(data, [E!, 1, ...rest]), lowest); // (E, N, ...)
  const nonEmpty = gt(sum(cast(member, 'int32'), { axes: 0 }), 0); // (N)
  return where(reshape(nonEmpty, [numSegments, ...ones]), max(table, { axes: 0 }), 0);
}

export const segmentMaxOp = defineOp({
  name: 'segment_max',
  family: 'nn',
  doc: 'out[s] = max over edges e with segmentIds[e] = s of data[e]; empty segments are 0; NaN propagates',
  infer: segmentInfer('segment_max', { rows: 'segments', float: false }),
  // d out[s] / d data[e] = [ids[e] = s][data[e] = out[s]] / #ties in s: ties share the gradient evenly (like amax).
  vjp: ({ inputs: [data, ids], outputs: [y], dOut, attrs }) => {
    const hit = eq(data!, indexSelect(y!, ids!, { axis: 0 })); // (E, ...)
    const ties = segmentSum(cast(hit, dOut.dtype), ids!, attrs.numSegments); // (N, ...)
    return [where(hit, indexSelect(div(dOut, maximum(ties, 1)), ids!, { axis: 0 }), 0), null];
  },
  decompose: ([data, ids], attrs) => [segmentMaxDense(data!, ids!, attrs.numSegments)],
  check: { cases: segmentCases, inputs: [fIn(DISTINCT), { kind: 'int32' }], values: segmentIdValues, secondOrder: true },
  // One comparison per data element.
  cost: (inputs, outputs) => ({ flops: sizeOf(inputs[0]!.shape), bytes: bytesOf(inputs) + bytesOf(outputs) }),
});

/**
 * Largest row of data (E, ...) per segment, elementwise: out (numSegments, ...). Ids need not be sorted and must
 * lie in [0, numSegments) (ValueError from the kernel). Empty segments give 0 (torch_scatter's scatter_max);
 * tied maxima share the gradient evenly.
 */
export const segmentMax = (data: Tensor, segmentIds: Tensor, numSegments: number): Tensor =>
  apply1(segmentMaxOp, [data, segmentIds], { numSegments });
