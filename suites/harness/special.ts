// Special input values for the parity suite: zeros (both signs), denormals, large magnitudes and
// infinities, injected only where an input's declared domain admits them:
//   zeros and denormals  when the domain contains 0 and does not `avoid` it;
//   large magnitudes and ±inf on a side (negative/positive) the domain extends to at least 2 on
//   (REAL, POSITIVE, NONZERO do; UNIT does not);
// never into inputs whose values a `values` hook chose (indices, kink-avoiding samples) nor into
// `distinct` domains (max/min-like ops). One case in three gets them, at about 1 in 8 positions.
import type { Domain } from '../../engine/check.js';
import type { ValueSource } from '../../engine/check.js';

const DENORMALS = [1e-40, 3e-39, 1.4e-45];
const LARGE = [1e4, 3.3e4, 1.7e5];

export function specialsFor(d: Domain): number[] {
  if (d.distinct) return [];
  const out: number[] = [];
  const margin = d.margin ?? 0.1;
  const zeroOk = d.low <= 0 && d.high >= 0 && !(d.avoid ?? []).some((a) => Math.abs(a) < margin);
  if (zeroOk) {
    out.push(0, -0);
    for (const v of DENORMALS) {
      if (d.high > 0) out.push(v);
      if (d.low < 0) out.push(-v);
    }
  }
  if (d.high >= 2) out.push(...LARGE, Infinity);
  if (d.low <= -2) out.push(...LARGE.map((v) => -v), -Infinity);
  return out;
}

/** Replaces about 1 in 8 entries of `values` (at least one) by specials; returns how many. */
export function injectSpecials(values: number[], specials: readonly number[], src: ValueSource): number {
  if (!values.length || !specials.length) return 0;
  const k = Math.max(1, Math.floor(values.length / 8));
  for (let j = 0; j < k; j++) values[src.int(0, values.length)] = specials[src.int(0, specials.length)]!;
  return k;
}
