// Shared pieces of the joining ops (concat, stack, split) and the indexing ops (gather,
// index_select, scatter_add, one_hot): dtype of a join, int32 index checks, check-case generators.
// Not re-exported from the engine's entry.
import fc from 'fast-check';
import { arbAxis, arbDim, arbShape } from '../../arb.js';
import type { TensorMeta } from '../../backend.js';
import type { ValueSource } from '../../check.js';
import { promoteTypes, type DType } from '../../dtype.js';
import type { Shape } from '../../shape.js';
import { requireDType } from '../infer.js';

/** PyTorch's result dtype of cat/stack: every input promoted together. */
export function joinDType(inputs: readonly TensorMeta[]): DType {
  return inputs.reduce<DType>((acc, m) => promoteTypes(acc, m.dtype), inputs[0]!.dtype);
}

/** Index inputs are int32 (PyTorch's int64 role). */
export function requireIndex(op: string, arg: string, m: TensorMeta): void {
  requireDType(op, arg, m, ['int32']);
}

/** A generated axis in [0, rank) (a 0-d tensor behaves as rank 1, as in normalizeAxis). */
export const caseAxis = (axis: number, rank: number): number => (axis < 0 ? axis + Math.max(rank, 1) : axis);

/** Size along `axis`; a 0-d tensor has one element along its single pseudo-axis. */
export const sizeAlong = (shape: Shape, axis: number): number => (shape.length === 0 ? 1 : shape[axis]!);

/** `n` integers uniform in [0, high): repeats are likely when n > high (duplicates must accumulate). */
export function indexValues(n: number, high: number, src: ValueSource): number[] {
  return Array.from({ length: n }, () => src.int(0, high));
}

export interface IndexedShapes {
  x: number[];
  axis: number;
  index: number[];
}

/**
 * x shape (rank 0-4), an axis and an index shape of the same rank for gather/scatter_add:
 * index.size(d) <= x.size(d) for d != axis; along the axis 1-5 (often more than x has, so indices
 * repeat), and 0 when x has no room there (zero-size index dims come from zero-size x dims).
 */
export function arbIndexedShapes(): fc.Arbitrary<IndexedShapes> {
  return arbShape({ maxDim: 4, zero: true }).chain((x) =>
    fc.record({ axis: arbAxis(x.length), dims: fc.array(arbDim(5), { minLength: x.length, maxLength: x.length }) }).map(({ axis, dims }) => {
      const a = caseAxis(axis, x.length);
      const index = x.map((d, k) => (k === a ? (d === 0 ? 0 : dims[k]!) : Math.min(d, dims[k]!)));
      return { x, axis, index };
    }),
  );
}
