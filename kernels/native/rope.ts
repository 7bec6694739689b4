import { ropePlan, ropeTable, type RopeAttrs } from '../../engine/ops/nn/attention-util.js';
import { addon } from './addon.js';
import type { NativeKernel } from './types.js';
import { alloc } from './util.js';

// rope on native/src/rope.cc: the (T, d/2) cos and sin tables come from ropeTable (float64 angles,
// the direction folded in, as the ref kernel does, rounded once); C++ rotates the pairs.
export const rope: NativeKernel<RopeAttrs> = ([x], attrs, [o]) => {
  const out = alloc(o!) as Float32Array;
  if (out.length === 0) return [out];
  const p = ropePlan(x!.shape, attrs), n = p.T * (p.d / 2);
  const tab = ropeTable(p);
  addon().rope(x!.data as Float32Array, out, tab.subarray(0, n), tab.subarray(n), p.T, p.D, p.d, p.interleaved ? 1 : 0);
  return [out];
};
