import { allocArray } from '../../engine/dtype.js';
import type { SegmentAttrs } from '../../engine/ops/nn/segment-util.js';
import { segmentLayout } from './segment_sum.js';
import type { RefKernel } from './types.js';

// out[s, :] = Σ_{e: ids[e] = s} data[e, :] / count_s; an empty segment (count 0) stays 0.
export const segmentMean: RefKernel<SegmentAttrs> = ([data, ids], attrs, [o]) => {
  const { E, inner } = segmentLayout('segment_mean', data!, ids!, attrs.numSegments);
  const acc = new Float64Array(attrs.numSegments * inner), count = new Float64Array(attrs.numSegments);
  for (let e = 0; e < E; e++) {
    const s = ids!.data[e]!;
    count[s]!++;
    for (let j = 0; j < inner; j++) acc[s * inner + j]! += data!.data[e * inner + j]!;
  }
  const out = allocArray(o!.dtype, acc.length);
  for (let i = 0; i < acc.length; i++) out[i] = acc[i]! / Math.max(count[Math.floor(i / inner)]!, 1);
  return [out];
};
