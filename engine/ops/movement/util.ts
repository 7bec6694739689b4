// Shared pieces of the layout ops: permutations, slice plans (slice, slice_scatter), pad plans,
// the tril/triu inference, and their check-case generators. The ref kernels resolve attributes
// with these same functions, so defaults and clamping agree with inference by construction.
import fc from 'fast-check';
import { arbShape } from '../../arb.js';
import type { TensorMeta } from '../../backend.js';
import type { CheckCase } from '../../check.js';
import { AxisError, ShapeError, ValueError, fmtShape } from '../../errors.js';
import type { Shape } from '../../shape.js';
import { requireArity } from '../infer.js';

const fmtList = (xs: readonly number[]): string => `(${xs.join(',')})`;
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** `a` in [-rank, rank) mapped to [0, rank); a rank-0 tensor has no axes at all. */
function strictAxis(op: string, arg: string, a: number, shape: Shape): number {
  const r = shape.length;
  if (!Number.isInteger(a) || a < -r || a >= r) {
    const span = r === 0 ? 'a tensor of shape () has no axes' : `out of range [${-r}, ${r}) for a tensor of shape ${fmtShape(shape)}`;
    throw new AxisError(op, `${arg} entry ${a} is ${span}`);
  }
  return a < 0 ? a + r : a;
}

/** `dims` normalized; it must name every axis of `shape` exactly once. */
export function resolvePermutation(op: string, dims: readonly number[], shape: Shape): number[] {
  if (dims.length !== shape.length) {
    throw new AxisError(op, `dims ${fmtList(dims)} has ${dims.length} entries but x ${fmtShape(shape)} has rank ${shape.length}`);
  }
  const out = dims.map((d) => strictAxis(op, 'dims', d, shape));
  if (new Set(out).size !== out.length) throw new AxisError(op, `dims ${fmtList(dims)} is not a permutation of the axes of x ${fmtShape(shape)}`);
  return out;
}

// ---- slice / slice_scatter ----

export interface SliceAttrs {
  /** First index per listed axis; negative counts from the end; clamped to [0, size] like Python. */
  starts: readonly number[];
  /** One past the last index per listed axis, same conventions (±Infinity means "to the edge"). */
  ends: readonly number[];
  /** Axes that starts/ends refer to; default 0, 1, ..., starts.length - 1. */
  axes?: readonly number[];
  /** Positive step per listed axis; default 1. */
  steps?: readonly number[];
}

/** One dimension of a slice: indices start, start + step, ... (size of them). */
export interface SliceDim {
  start: number;
  step: number;
  size: number;
}

const isIndex = (v: number): boolean => Number.isInteger(v) || v === Infinity || v === -Infinity;
/** Python's clamping: negative counts from the end, then clamp into [0, d]. */
const clampIndex = (i: number, d: number): number => Math.min(Math.max(i < 0 ? i + d : i, 0), d);

function checkSliceLists(op: string, shape: Shape, attrs: SliceAttrs): void {
  const { starts, ends, axes, steps } = attrs;
  const n = starts.length;
  if (ends.length !== n || (axes && axes.length !== n) || (steps && steps.length !== n)) {
    const parts = [`starts ${fmtList(starts)}`, `ends ${fmtList(ends)}`];
    if (axes) parts.push(`axes ${fmtList(axes)}`);
    if (steps) parts.push(`steps ${fmtList(steps)}`);
    throw new ValueError(op, `${parts.join(', ')} must have the same length`);
  }
  if (!axes && n > shape.length) {
    throw new AxisError(op, `starts ${fmtList(starts)} lists ${n} axes but x ${fmtShape(shape)} has rank ${shape.length}`);
  }
  for (const [name, list] of [['starts', starts], ['ends', ends]] as const) {
    const bad = list.find((v) => !isIndex(v));
    if (bad !== undefined) throw new ValueError(op, `${name} ${fmtList(list)} has ${bad}, which is not an integer`);
  }
  const step = (steps ?? []).find((s) => !Number.isInteger(s) || s <= 0);
  if (step !== undefined) {
    const hint = step < 0 ? '; negative steps are not supported (as in torch): slice with a positive step and flip the axis' : '';
    throw new ValueError(op, `steps ${fmtList(steps!)} has ${step}, which is not a positive integer${hint}`);
  }
}

/** The slice as one SliceDim per dimension of `shape` (unlisted dims are taken whole). */
export function resolveSlice(op: string, shape: Shape, attrs: SliceAttrs): SliceDim[] {
  checkSliceLists(op, shape, attrs);
  const { starts, ends } = attrs;
  const axes = attrs.axes ?? range(starts.length);
  const plan: SliceDim[] = shape.map((d) => ({ start: 0, step: 1, size: d }));
  const seen = new Set<number>();
  axes.forEach((a, i) => {
    const ax = strictAxis(op, 'axes', a, shape);
    if (seen.has(ax)) throw new AxisError(op, `axes ${fmtList(axes)} repeats axis ${ax} for a tensor of shape ${fmtShape(shape)}`);
    seen.add(ax);
    const d = shape[ax]!;
    const step = attrs.steps?.[i] ?? 1;
    const start = clampIndex(starts[i]!, d), end = clampIndex(ends[i]!, d);
    plan[ax] = { start, step, size: Math.max(0, Math.ceil((end - start) / step)) };
  });
  return plan;
}

export const sliceShape = (plan: readonly SliceDim[]): number[] => plan.map((p) => p.size);

/** Slice attributes for `shape`: listed or default axes, indices past both ends, steps 1-3. */
export function arbSliceAttrs(shape: Shape): fc.Arbitrary<SliceAttrs> {
  const r = shape.length;
  // Default axes (the first k dims) or an explicit subset in any order, written with random signs.
  const signed = (ax: number[]): fc.Arbitrary<number[]> => (ax.length ? fc.tuple(...ax.map((a) => fc.constantFrom(a, a - r))) : fc.constant([]));
  const axesArb: fc.Arbitrary<{ axes?: number[]; listed: number[] }> = fc.oneof(
    fc.integer({ min: 0, max: r }).map((k) => ({ listed: range(k) })),
    fc.shuffledSubarray(range(r)).chain((ax) => signed(ax).map((axes) => ({ axes, listed: ax }))),
  );
  return axesArb.chain(({ axes, listed }) => {
    const index = (d: number) => fc.integer({ min: -d - 2, max: d + 2 });
    const perAxis = listed.map((ax) => fc.tuple(index(shape[ax]!), index(shape[ax]!), fc.integer({ min: 1, max: 3 })));
    return fc.tuple(fc.tuple(...perAxis), fc.boolean()).map(([t, withSteps]) => {
      const attrs: SliceAttrs = { starts: t.map((e) => e[0]), ends: t.map((e) => e[1]) };
      return { ...attrs, ...(axes ? { axes } : {}), ...(withSteps ? { steps: t.map((e) => e[2]) } : {}) };
    });
  });
}

// ---- pad ----

export type PadMode = 'constant' | 'reflect';

export interface PadAttrs {
  /** torch.nn.functional.pad order: (left, right) of the last dim, then of the one before, ... */
  pads: readonly number[];
  /** Default 'constant'. */
  mode?: PadMode;
  /** Fill value of constant mode; default 0 (like torch, other modes reject a value other than 0). */
  value?: number;
}

/** (left, right) pads for every dimension of `shape`, validated. Negative pads crop. */
export function resolvePads(op: string, shape: Shape, attrs: PadAttrs): [number, number][] {
  const { pads } = attrs;
  const mode = attrs.mode ?? 'constant';
  const r = shape.length;
  if (mode !== 'constant' && mode !== 'reflect') throw new ValueError(op, `mode '${String(mode)}' is not 'constant' or 'reflect'`);
  if (mode !== 'constant' && attrs.value !== undefined && attrs.value !== 0) throw new ValueError(op, `mode '${mode}' does not take a value (got ${attrs.value})`);
  if (pads.length % 2 !== 0 || pads.length > 2 * r) {
    throw new ValueError(op, `pads ${fmtList(pads)} must have an even length of at most 2·rank = ${2 * r} for x ${fmtShape(shape)}`);
  }
  const bad = pads.find((p) => !Number.isInteger(p));
  if (bad !== undefined) throw new ValueError(op, `pads ${fmtList(pads)} has ${bad}, which is not an integer`);
  const out: [number, number][] = shape.map(() => [0, 0]);
  for (let i = 0; 2 * i < pads.length; i++) {
    const ax = r - 1 - i, n = shape[ax]!, [left, right] = [pads[2 * i]!, pads[2 * i + 1]!];
    if (n + Math.min(left, 0) + Math.min(right, 0) < 0) {
      throw new ValueError(op, `pads ${fmtList(pads)} crop (${left}, ${right}) from dimension ${ax - r} of x ${fmtShape(shape)}, which has only ${n} elements`);
    }
    if (mode === 'reflect' && ((left > 0 && left >= n) || (right > 0 && right >= n))) {
      throw new ValueError(op, `reflect pads (${left}, ${right}) of dimension ${ax - r} of x ${fmtShape(shape)} must be smaller than its size ${n}`);
    }
    out[ax] = [left, right];
  }
  return out;
}

/** Pads of a valid case: per padded dim, crops that fit and (reflect) pads below the size. */
export function arbPadAttrs(shape: Shape): fc.Arbitrary<PadAttrs> {
  const r = shape.length;
  return fc.tuple(fc.integer({ min: 0, max: r }), fc.constantFrom<PadMode>('constant', 'reflect'), fc.double({ min: -2, max: 2, noNaN: true })).chain(([k, mode, value]) => {
    // Pads for dims r-1, r-2, ..., r-k (torch order).
    const perDim = range(k).map((i) => {
      const n = shape[r - 1 - i]!;
      const hi = mode === 'reflect' ? n - 1 : 3;
      return fc.integer({ min: -n, max: Math.max(hi, 0) }).chain((left) =>
        fc.integer({ min: -(n + Math.min(left, 0)), max: Math.max(hi, 0) }).map((right) => [left, right]),
      );
    });
    return fc.tuple(...perDim).map((lr) => ({ pads: lr.flat(), mode, ...(mode === 'constant' ? { value } : {}) }));
  });
}

// ---- tril / triu ----

export interface TriangleAttrs {
  /** Diagonal offset (torch `diagonal`): 0 main, > 0 above it, < 0 below it. */
  k?: number;
}

/** Same shape and dtype; x needs rank >= 2 (the last two dims are the matrix) and k an integer. */
export function triangleInfer(op: string) {
  return (inputs: readonly TensorMeta[], attrs: TriangleAttrs): TensorMeta[] => {
    requireArity(op, inputs, 1);
    const x = inputs[0]!;
    if (x.shape.length < 2) throw new ShapeError(op, `x ${fmtShape(x.shape)} must have at least 2 dimensions (the last two form the matrix)`);
    const k = attrs.k ?? 0;
    if (!Number.isInteger(k)) throw new ValueError(op, `k ${k} is not an integer`);
    return [{ shape: x.shape, dtype: x.dtype }];
  };
}

/** Cases: rank 2-4 (zero-size dims too), diagonals from well below to well above. */
export const triangleCases = (): fc.Arbitrary<CheckCase<TriangleAttrs>> =>
  fc.record({
    shapes: arbShape({ minRank: 2, zero: true }).map((s) => [s]),
    attrs: fc.option(fc.integer({ min: -6, max: 6 }), { nil: undefined }).map((k) => (k === undefined ? {} : { k })),
  });
