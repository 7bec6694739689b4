import { allocArray } from '../../engine/dtype.js';
import type { SegmentAttrs } from '../../engine/ops/nn/segment-util.js';
import { segmentLayout } from './segment_sum.js';
import type { RefKernel } from './types.js';

// Per segment s and trailing position j: m = max x, z = Σ exp(x − m); y[e, j] = exp(x[e, j] − m) / z.
export const segmentSoftmax: RefKernel<SegmentAttrs> = ([x, ids], attrs, [o]) => {
  const { E, inner } = segmentLayout('segment_softmax', x!, ids!, attrs.numSegments);
  const m = new Float64Array(attrs.numSegments * inner).fill(-Infinity), z = new Float64Array(m.length);
  const seg = (e: number, j: number) => ids!.data[e]! * inner + j;
  for (let e = 0; e < E; e++) {
    for (let j = 0; j < inner; j++) {
      const v = x!.data[e * inner + j]!, at = seg(e, j);
      if (v > m[at]! || Number.isNaN(v)) m[at] = v;
    }
  }
  for (let e = 0; e < E; e++) for (let j = 0; j < inner; j++) z[seg(e, j)]! += Math.exp(x!.data[e * inner + j]! - m[seg(e, j)]!);
  const out = allocArray(o!.dtype, E * inner);
  for (let e = 0; e < E; e++) {
    for (let j = 0; j < inner; j++) out[e * inner + j] = Math.exp(x!.data[e * inner + j]! - m[seg(e, j)]!) / z[seg(e, j)]!;
  }
  return [out];
};
