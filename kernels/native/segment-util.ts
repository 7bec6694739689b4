// The segment ops share one addon entry (native/src/segment.cc); a bad id raises ref's ValueError.
import type { SegmentAttrs } from '../../engine/ops/nn/segment-util.js';
import { sizeOf } from '../../engine/shape.js';
import { segmentLayout } from '../ref/segment_sum.js';
import { addon, codes } from './addon.js';
import type { NativeKernel } from './types.js';
import { alloc } from './util.js';

export function segmentKernel(op: string): NativeKernel<SegmentAttrs> {
  return ([data, ids], attrs, [o]) => {
    const out = alloc(o!);
    const E = data!.shape[0]!, inner = sizeOf(data!.shape.slice(1));
    const bad = addon().segment(codes().segmentOps[op]!, data!.data, ids!.data as Int32Array, out, E, inner, attrs.numSegments);
    if (bad >= 0) segmentLayout(op, data!, ids!, attrs.numSegments); // throws ref's error for the bad id
    return [out];
  };
}
