import { F } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { defineOp } from '../../op.js';
import { sizeOf } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { div } from '../binary/div.js';
import { mul } from '../binary/mul.js';
import { sub } from '../binary/sub.js';
import { bytesOf } from '../infer.js';
import { indexSelect } from '../movement/index_select.js';
import { exp } from '../unary/exp.js';
import { segmentCases, segmentIdValues, segmentInfer, type SegmentAttrs } from './segment-util.js';
import { segmentMax } from './segment_max.js';
import { segmentSum } from './segment_sum.js';

/** Rows of a per-segment tensor (N, ...) gathered back to the edges: (E, ...). */
const toEdges = (t: Tensor, ids: Tensor): Tensor => indexSelect(t, ids, { axis: 0 });

export const segmentSoftmaxOp = defineOp({
  name: 'segment_softmax',
  family: 'nn',
  doc: 'softmax of scores over the edges of each segment: y[e] = exp(x[e] − m) / Σ_{e\': ids[e\'] = ids[e]} exp(x[e\'] − m), m the segment max',
  infer: segmentInfer('segment_softmax', { rows: 'edges', float: true }),
  // Softmax within each segment: dX = y ⊙ (dOut − (Σ_segment dOut ⊙ y)[ids]).
  vjp: ({ inputs: [, ids], outputs: [y], dOut, attrs }) => [mul(y!, sub(dOut, toEdges(segmentSum(mul(dOut, y!), ids!, attrs.numSegments), ids!))), null],
  // Stable: the segment max is subtracted before exp; it cancels in value and in derivative.
  decompose: ([x, ids], attrs) => {
    const e = exp(sub(x!, toEdges(segmentMax(x!, ids!, attrs.numSegments), ids!)));
    return [div(e, toEdges(segmentSum(e, ids!, attrs.numSegments), ids!))];
  },
  check: { cases: segmentCases, inputs: [F, { kind: 'int32' }], values: segmentIdValues, secondOrder: true },
  // Per element: max, subtract, exp, add and divide.
  cost: (inputs, outputs) => ({ flops: 5 * sizeOf(inputs[0]!.shape), bytes: bytesOf(inputs) + bytesOf(outputs) }),
});

/**
 * Softmax of scores (E, ...) over the edges of each segment (GAT attention over a node's incoming edges):
 * out (E, ...) sums to 1 over every non-empty segment. Ids need not be sorted and must lie in
 * [0, numSegments) (ValueError from the kernel). NOTE: a segment whose scores are all -inf gives NaN, as softmax does.
 */
export const segmentSoftmax = (scores: Tensor, segmentIds: Tensor, numSegments: number): Tensor =>
  apply1(segmentSoftmaxOp, [scores, segmentIds], { numSegments });
