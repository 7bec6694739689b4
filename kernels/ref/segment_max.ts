import { allocArray } from '../../engine/dtype.js';
import type { SegmentAttrs } from '../../engine/ops/nn/segment-util.js';
import { segmentLayout } from './segment_sum.js';
import type { RefKernel } from './types.js';

// out[s, j] = max_{e: ids[e] = s} data[e, j] (NaN wins); an empty segment stays 0.
export const segmentMax: RefKernel<SegmentAttrs> = ([data, ids], attrs, [o]) => {
  const { E, inner } = segmentLayout('segment_max', data!, ids!, attrs.numSegments);
  const m = new Float64Array(attrs.numSegments * inner).fill(-Infinity), seen = new Uint8Array(attrs.numSegments);
  for (let e = 0; e < E; e++) {
    const s = ids!.data[e]!;
    seen[s] = 1;
    for (let j = 0; j < inner; j++) {
      const v = data!.data[e * inner + j]!, at = s * inner + j;
      if (v > m[at]! || Number.isNaN(v)) m[at] = v;
    }
  }
  const out = allocArray(o!.dtype, m.length);
  for (let i = 0; i < m.length; i++) out[i] = seen[Math.floor(i / inner)] ? m[i]! : 0;
  return [out];
};
