import { allocArray } from '../../engine/dtype.js';
import { ropeAngle, ropePair, ropePlan, type RopeAttrs } from '../../engine/ops/nn/attention-util.js';
import type { RefKernel } from './types.js';

// For each row x[..., t, :] and pair i with members (a, b) (adjacent when interleaved, i and
// i + d/2 otherwise), angle φ = ±(offset + t)·base^(−2i/d):
//   out_a = a cos φ − b sin φ,   out_b = a sin φ + b cos φ;   dims d..D are copied.
export const rope: RefKernel<RopeAttrs> = ([x], attrs, [o]) => {
  const p = ropePlan(x!.shape, attrs);
  const out = allocArray(o!.dtype, x!.data.length);
  out.set(x!.data);
  const rows = p.D === 0 ? 0 : x!.data.length / p.D;
  const cos = new Float64Array(p.T * (p.d / 2)), sin = new Float64Array(p.T * (p.d / 2));
  for (let t = 0; t < p.T; t++) {
    for (let i = 0; i < p.d / 2; i++) {
      const phi = ropeAngle(p, t, i);
      cos[t * (p.d / 2) + i] = Math.cos(phi);
      sin[t * (p.d / 2) + i] = Math.sin(phi);
    }
  }
  for (let r = 0; r < rows; r++) {
    const t = r % p.T, base = r * p.D;
    for (let i = 0; i < p.d / 2; i++) {
      const [ja, jb] = ropePair(p, i);
      const a = x!.data[base + ja]!, b = x!.data[base + jb]!;
      const c = cos[t * (p.d / 2) + i]!, s = sin[t * (p.d / 2) + i]!;
      out[base + ja] = a * c - b * s;
      out[base + jb] = a * s + b * c;
    }
  }
  return [out];
};
