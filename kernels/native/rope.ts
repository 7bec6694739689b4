import { ropeAngle, ropePlan, type RopeAttrs } from '../../engine/ops/nn/attention-util.js';
import { addon } from './addon.js';
import type { NativeKernel } from './types.js';
import { alloc } from './util.js';

// rope on native/src/rope.cc: the (T, d/2) cos and sin tables are computed here in float64 (as the
// ref kernel does, the direction folded into the angle) and rounded once; C++ rotates the pairs.
export const rope: NativeKernel<RopeAttrs> = ([x], attrs, [o]) => {
  const out = alloc(o!) as Float32Array;
  if (out.length === 0) return [out];
  const p = ropePlan(x!.shape, attrs), half = p.d / 2;
  const cos = new Float32Array(p.T * half), sin = new Float32Array(p.T * half);
  for (let t = 0; t < p.T; t++) {
    for (let i = 0; i < half; i++) {
      const a = ropeAngle(p, t, i);
      cos[t * half + i] = Math.cos(a);
      sin[t * half + i] = Math.sin(a);
    }
  }
  addon().rope(x!.data as Float32Array, out, cos, sin, p.T, p.D, p.d, p.interleaved ? 1 : 0);
  return [out];
};
