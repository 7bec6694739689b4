import { allocArray } from '../../engine/dtype.js';
import { ValueError } from '../../engine/errors.js';
import type { SegmentAttrs } from '../../engine/ops/nn/segment-util.js';
import { sizeOf } from '../../engine/shape.js';
import type { RefArg, RefKernel } from './types.js';

/** Checks that every id lies in [0, numSegments); returns E and the length of one row (trailing dims). */
export function segmentLayout(op: string, data: RefArg, ids: RefArg, numSegments: number): { E: number; inner: number } {
  for (let e = 0; e < ids.data.length; e++) {
    const s = ids.data[e]!;
    if (!(s >= 0 && s < numSegments)) {
      throw new ValueError(op, `segmentIds value ${s} at position ${e} is out of range [0, ${numSegments}) for numSegments ${numSegments}`);
    }
  }
  return { E: data.shape[0]!, inner: sizeOf(data.shape.slice(1)) };
}

// out[ids[e], :] += data[e, :] over the rows of data viewed as (E, inner); untouched rows stay 0.
export const segmentSum: RefKernel<SegmentAttrs> = ([data, ids], attrs, [o]) => {
  const { E, inner } = segmentLayout('segment_sum', data!, ids!, attrs.numSegments);
  const acc = new Float64Array(attrs.numSegments * inner);
  for (let e = 0; e < E; e++) {
    const to = ids!.data[e]! * inner;
    for (let j = 0; j < inner; j++) acc[to + j]! += data!.data[e * inner + j]!;
  }
  const out = allocArray(o!.dtype, acc.length);
  out.set(acc);
  return [out];
};
