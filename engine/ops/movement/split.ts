import fc from 'fast-check';
import { arbAxis, arbShape } from '../../arb.js';
import type { TensorMeta } from '../../backend.js';
import { F } from '../../check.js';
import { apply } from '../../dispatch.js';
import { AxisError, ShapeError, ValueError, fmtShape } from '../../errors.js';
import { defineOp } from '../../op.js';
import { normalizeAxis, type Shape } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { movementCost, requireArity } from '../infer.js';
import { concat } from './concat.js';
import { caseAxis } from './indexing-util.js';

export interface SplitAttrs {
  /** A piece size (pieces of that size, the last one smaller) or the list of piece sizes. */
  sizes: number | readonly number[];
  /** Axis to split along (default 0). */
  axis?: number;
}

/** Sizes of the pieces of a dimension of size `dim` (torch.split). */
function pieceSizes(x: Shape, axis: number, sizes: number | readonly number[]): number[] {
  const dim = x[axis]!;
  if (typeof sizes === 'number') {
    if (!Number.isInteger(sizes) || sizes < 0 || (sizes === 0 && dim !== 0)) {
      throw new ValueError('split', `sizes ${sizes} must be a positive integer (0 only for an empty dimension) to split x ${fmtShape(x)} along axis ${axis}`);
    }
    // NOTE: like torch, an empty dimension gives one empty piece.
    if (dim === 0) return [0];
    const n = Math.ceil(dim / sizes);
    return Array.from({ length: n }, (_, i) => Math.min(sizes, dim - i * sizes));
  }
  if (sizes.length === 0) throw new ValueError('split', `sizes is an empty list; expected at least one piece size for x ${fmtShape(x)}`);
  for (const s of sizes) {
    if (!Number.isInteger(s) || s < 0) throw new ValueError('split', `sizes ${JSON.stringify(sizes)} has an invalid piece size ${s}`);
  }
  const total = sizes.reduce((a, s) => a + s, 0);
  if (total !== dim) throw new ShapeError('split', `sizes ${JSON.stringify(sizes)} add up to ${total} but x ${fmtShape(x)} has size ${dim} along axis ${axis}`);
  return [...sizes];
}

function splitInfer(inputs: readonly TensorMeta[], attrs: SplitAttrs): TensorMeta[] {
  requireArity('split', inputs, 1);
  const x = inputs[0]!;
  if (x.shape.length === 0) throw new AxisError('split', 'x () is 0-dimensional; there is no axis to split along');
  const axis = normalizeAxis('split', 'axis', attrs.axis ?? 0, x.shape.length, x.shape);
  return pieceSizes(x.shape, axis, attrs.sizes).map((n) => ({ shape: x.shape.map((d, k) => (k === axis ? n : d)), dtype: x.dtype }));
}

/** Cases: rank 1-4, a piece size in [1, dim + 1] or a random composition of dim (with empty pieces). */
const cases = arbShape({ minRank: 1, zero: true }).chain((s) =>
  fc.option(arbAxis(s.length), { nil: undefined }).chain((axis) => {
    const dim = s[caseAxis(axis ?? 0, s.length)]!;
    const chunk = fc.integer({ min: dim === 0 ? 0 : 1, max: dim + 1 });
    const composition = fc.array(fc.integer({ min: 0, max: dim }), { maxLength: 3 }).map((cuts) => {
      const pts = [0, ...cuts.sort((a, b) => a - b), dim];
      return pts.slice(1).map((p, i) => p - pts[i]!);
    });
    return fc.record({ shapes: fc.constant([s]), attrs: fc.record({ sizes: fc.oneof(chunk, composition), axis: fc.constant(axis) }) });
  }),
);

export const splitOp = defineOp({
  name: 'split',
  family: 'movement',
  doc: 'cut x along an axis into pieces of given sizes (torch.split); one output per piece',
  infer: splitInfer,
  // Piece i is the i-th block of x along the axis: the pieces' gradients are joined back.
  vjp: ({ dOuts, attrs }) => [concat(dOuts, { axis: attrs.axis ?? 0 })],
  check: { cases, inputs: [F], secondOrder: true },
  cost: movementCost,
});

/** torch.split(x, sizes, dim=axis): an int gives pieces of that size (the last smaller), a list must add up to the size. */
export const split = (x: Tensor, attrs: SplitAttrs): Tensor[] => apply(splitOp, [x], attrs);
