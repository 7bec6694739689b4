// Shared pieces of the segment ops (graph networks: edges grouped by destination node):
// attributes, inference, check cases. Not re-exported from the engine's entry.
import fc from 'fast-check';
import { arbDim } from '../../arb.js';
import type { TensorMeta } from '../../backend.js';
import type { CheckCase, ValueSource } from '../../check.js';
import { ShapeError, ValueError, fmtShape } from '../../errors.js';
import { requireArity, requireFloat, requireNumeric } from '../infer.js';
import { indexValues, requireIndex } from '../movement/indexing-util.js';

export interface SegmentAttrs {
  /** Number of segments N; segmentIds must lie in [0, N) (the ref kernel checks the values). */
  numSegments: number;
}

export interface SegmentInferOptions {
  /** Output rows: one per segment (reductions) or one per edge (segment_softmax). */
  rows: 'segments' | 'edges';
  /** Require a float data tensor (otherwise int32 is accepted too). */
  float: boolean;
}

/** data (E, ...) and segmentIds int32 (E) -> (numSegments, ...) or (E, ...). */
export function segmentInfer(op: string, o: SegmentInferOptions) {
  return (inputs: readonly TensorMeta[], attrs: SegmentAttrs): TensorMeta[] => {
    requireArity(op, inputs, 2);
    const [data, ids] = inputs as [TensorMeta, TensorMeta];
    if (o.float) requireFloat(op, 'data', data);
    else requireNumeric(op, 'data', data);
    requireIndex(op, 'segmentIds', ids);
    if (data.shape.length === 0) throw new ShapeError(op, `data () must have at least 1 dimension (E, ...)`);
    if (ids.shape.length !== 1 || ids.shape[0] !== data.shape[0]) {
      throw new ShapeError(op, `segmentIds ${fmtShape(ids.shape)} must be 1-dimensional with one id per row of data ${fmtShape(data.shape)}`);
    }
    const n = attrs.numSegments;
    if (!Number.isInteger(n) || n < 0) throw new ValueError(op, `numSegments ${n} must be a non-negative integer`);
    const rows = o.rows === 'segments' ? n : data.shape[0]!;
    return [{ shape: [rows, ...data.shape.slice(1)], dtype: data.dtype }];
  };
}

/** Cases: E 0-6 edges (unsorted ids, repeats, empty segments likely), trailing dims of rank 0-2, N 1-4 (0 with no edges). */
export const segmentCases: fc.Arbitrary<CheckCase<SegmentAttrs>> = fc
  .record({ E: fc.integer({ min: 0, max: 6 }), rest: fc.array(arbDim(3, true), { maxLength: 2 }), n: fc.integer({ min: 0, max: 4 }) })
  .map(({ E, rest, n }) => {
    const numSegments = E > 0 ? Math.max(n, 1) : n;
    return { shapes: [[E, ...rest], [E]], attrs: { numSegments } };
  });

/** Ids uniform in [0, numSegments). */
export const segmentIdValues = (c: CheckCase<SegmentAttrs>, src: ValueSource): (number[] | null)[] => [
  null,
  indexValues(c.shapes[1]![0]!, c.attrs.numSegments, src),
];
