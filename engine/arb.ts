// fast-check arbitraries for op check cases: shapes (rank 0-4, size-1 and zero-size dims),
// broadcast-compatible shape tuples and axis sets, under a size profile (small or parity).
import fc from 'fast-check';
import type { CheckCase } from './check.js';

/**
 * Size profiles. 'small' (the default: gradient checks) draws dims 1..maxDim; 'parity' (the
 * cross-backend parity suite) draws them from PARITY_DIMS, sizes that are not multiples of SIMD
 * widths or tiles, and caps a shape at PARITY_MAX_ELEMENTS by lowering its largest dims. The
 * profile is read when values are generated, not when arbitraries are built, so every op's
 * `check.cases` serves both (run generation inside withSizeProfile).
 */
export type SizeProfile = 'small' | 'parity';
export const PARITY_DIMS = [1, 3, 7, 17, 33, 129] as const;
export const PARITY_MAX_ELEMENTS = 1 << 15;
let profile: SizeProfile = 'small';

export function sizeProfile(): SizeProfile {
  return profile;
}

/** Runs `fn` (fast-check generation included) under a size profile. */
export function withSizeProfile<T>(p: SizeProfile, fn: () => T): T {
  const old = profile;
  profile = p;
  try {
    return fn();
  } finally {
    profile = old;
  }
}

/** Under the parity profile: lowers the largest dims through PARITY_DIMS until the size fits. */
function capShape(s: number[]): number[] {
  if (profile !== 'parity') return s;
  const out = [...s];
  const size = () => out.reduce((a, d) => a * d, 1);
  while (size() > PARITY_MAX_ELEMENTS) {
    const k = out.indexOf(Math.max(...out));
    const smaller = PARITY_DIMS.filter((d) => d < out[k]!);
    out[k] = smaller.length ? smaller[smaller.length - 1]! : 1;
  }
  return out;
}

export interface ShapeOpts {
  minRank?: number;
  maxRank?: number;
  maxDim?: number;
  /** Allow zero-size dimensions (rarely drawn). */
  zero?: boolean;
}

export function arbDim(maxDim = 5, zero = false): fc.Arbitrary<number> {
  // The drawn index i in [1, maxDim] is the dim itself ('small': the same stream as ever) or, under
  // 'parity', picks PARITY_DIMS[round((i - 1)/(maxDim - 1)·5)] (both ends reachable; maxDim 1 stays 1).
  const last = PARITY_DIMS.length - 1;
  const pos = fc.integer({ min: 1, max: maxDim }).map((i) =>
    profile === 'parity' && maxDim > 1 ? PARITY_DIMS[Math.round(((i - 1) / (maxDim - 1)) * last)]! : i,
  );
  return zero ? fc.oneof({ arbitrary: pos, weight: 12 }, { arbitrary: fc.constant(0), weight: 1 }) : pos;
}

export function arbShape(o: ShapeOpts = {}): fc.Arbitrary<number[]> {
  const { minRank = 0, maxRank = 4, maxDim = 5, zero = false } = o;
  return fc.array(arbDim(maxDim, zero), { minLength: minRank, maxLength: maxRank }).map(capShape);
}

/** `n` shapes that broadcast together: suffixes of one base shape with some dims set to 1. */
export function arbBroadcastShapes(n: number, o: ShapeOpts = {}): fc.Arbitrary<number[][]> {
  return arbShape(o).chain((base) =>
    fc.tuple(
      ...Array.from({ length: n }, () =>
        fc.tuple(fc.integer({ min: 0, max: base.length }), fc.array(fc.boolean(), { minLength: base.length, maxLength: base.length })).map(
          ([drop, ones]) => base.slice(drop).map((d, i) => (ones[i + drop] ? 1 : d)),
        ),
      ),
    ),
  );
}

/** A set of axes of a rank-`rank` tensor, written with random signs; undefined means all axes. */
export function arbAxes(rank: number): fc.Arbitrary<number[] | undefined> {
  if (rank === 0) return fc.constantFrom(undefined, [] as number[]);
  return fc.oneof(
    fc.constant(undefined),
    fc.subarray(Array.from({ length: rank }, (_, i) => i), { minLength: 1 }).chain((axes) =>
      fc.tuple(...axes.map((a) => fc.constantFrom(a, a - rank))),
    ),
  );
}

/** A single axis of a rank-`rank` tensor (positive or negative form). */
export function arbAxis(rank: number): fc.Arbitrary<number> {
  const r = Math.max(rank, 1);
  return fc.integer({ min: -r, max: r - 1 });
}

/** Cases for an op with one input of any shape and fixed or generated attributes. */
export function unaryCases<A>(attrs: fc.Arbitrary<A>, o: ShapeOpts = { zero: true }): fc.Arbitrary<CheckCase<A>> {
  return fc.record({ shapes: arbShape(o).map((s) => [s]), attrs });
}

/** Cases for an elementwise op over `n` broadcast-compatible inputs. */
export function broadcastCases<A>(n: number, attrs: fc.Arbitrary<A>, o: ShapeOpts = { zero: true }): fc.Arbitrary<CheckCase<A>> {
  return fc.record({ shapes: arbBroadcastShapes(n, o), attrs });
}

export const noAttrs = fc.constant({} as Record<string, never>);
