// Shape arithmetic shared by every op: sizes, strides, broadcasting and axis normalization.
import { AxisError, ShapeError, ValueError, fmtShape } from './errors.js';

export type Shape = readonly number[];

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major (C-order) strides in elements. */
export function stridesOf(shape: Shape): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export function checkShape(op: string, arg: string, shape: Shape): void {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new ValueError(op, `${arg}: shape ${fmtShape(shape)} has a dimension that is not a non-negative integer`);
  }
}

/** NumPy broadcasting of any number of shapes; `names` label the arguments in errors. */
export function broadcastShapes(op: string, shapes: readonly Shape[], names: readonly string[]): number[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (let k = 0; k < rank; k++) {
    for (let j = 0; j < shapes.length; j++) {
      const s = shapes[j]!;
      const d = s[s.length - rank + k] ?? 1;
      if (d === 1) continue;
      if (out[k] === 1) out[k] = d;
      else if (out[k] !== d) {
        const parts = shapes.map((sh, i) => `${names[i] ?? `arg${i}`} ${fmtShape(sh)}`);
        throw new ShapeError(op, `${parts.join(' and ')}: cannot broadcast (dimension ${k - rank} is ${out[k]} vs ${d})`);
      }
    }
  }
  return out;
}

/** Maps a possibly negative axis into [0, rank); `rank` 0 accepts axis -1/0 like PyTorch does for scalars. */
export function normalizeAxis(op: string, arg: string, axis: number, rank: number, shape?: Shape): number {
  const r = Math.max(rank, 1);
  if (!Number.isInteger(axis) || axis < -r || axis >= r) {
    const where = shape ? ` for a tensor of shape ${fmtShape(shape)}` : ` for rank ${rank}`;
    throw new AxisError(op, `${arg} ${axis} is out of range [${-r}, ${r})${where}`);
  }
  return axis < 0 ? axis + r : axis;
}

/** Normalizes a list of axes (undefined = all axes); duplicates are an AxisError. Result is sorted. */
export function normalizeAxes(op: string, arg: string, axes: number | readonly number[] | undefined, shape: Shape): number[] {
  const rank = shape.length;
  if (axes === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axes === 'number' ? [axes] : axes;
  const out = list.map((a) => normalizeAxis(op, arg, a, rank, shape));
  const seen = new Set<number>();
  for (const a of out) {
    if (seen.has(a)) throw new AxisError(op, `${arg} ${fmtShape(list)} repeats axis ${a} for a tensor of shape ${fmtShape(shape)}`);
    seen.add(a);
  }
  return rank === 0 ? [] : out.sort((x, y) => x - y);
}

/** For an output index in `outShape`, the flat offset into a broadcast input of shape `inShape`. */
export function broadcastStrides(inShape: Shape, outShape: Shape): number[] {
  const st = stridesOf(inShape);
  const off = outShape.length - inShape.length;
  return outShape.map((_, k) => {
    const j = k - off;
    return j < 0 || inShape[j] === 1 ? 0 : st[j]!;
  });
}
