import fc from 'fast-check';
import { arbAxis, arbDim, arbShape } from '../../arb.js';
import type { TensorMeta } from '../../backend.js';
import { F } from '../../check.js';
import { zeros } from '../../creation.js';
import { apply1 } from '../../dispatch.js';
import { ShapeError, fmtShape } from '../../errors.js';
import { defineOp } from '../../op.js';
import { normalizeAxis, sizeOf } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { bytesOf, requireArity } from '../infer.js';
import { expand } from './expand.js';
import { caseAxis, indexValues, requireIndex, sizeAlong } from './indexing-util.js';
import { reshape } from './reshape.js';
import { scatterAdd } from './scatter_add.js';

export interface IndexSelectAttrs {
  /** Axis along which whole slices of x are picked. */
  axis: number;
}

function indexSelectInfer(inputs: readonly TensorMeta[], attrs: IndexSelectAttrs): TensorMeta[] {
  requireArity('index_select', inputs, 2);
  const [x, index] = inputs as [TensorMeta, TensorMeta];
  requireIndex('index_select', 'index', index);
  if (index.shape.length > 1) throw new ShapeError('index_select', `index ${fmtShape(index.shape)} must be 1-dimensional (or 0-dimensional) to select from x ${fmtShape(x.shape)}`);
  const axis = normalizeAxis('index_select', 'axis', attrs.axis, x.shape.length, x.shape);
  const n = sizeOf(index.shape);
  if (x.shape.length === 0) {
    // NOTE: as in torch, a 0-d x takes exactly one index (which must be 0) and stays 0-d.
    if (n !== 1) throw new ShapeError('index_select', `index ${fmtShape(index.shape)} must hold exactly one value to select from the 0-dimensional x ()`);
    return [{ shape: [], dtype: x.dtype }];
  }
  return [{ shape: x.shape.map((d, k) => (k === axis ? n : d)), dtype: x.dtype }];
}

/** Cases: x of rank 0-4, an axis and a 1-D index of up to 5 entries (repeats likely), sometimes 0-D. */
const cases = arbShape({ maxDim: 4, zero: true }).chain((x) =>
  fc.record({ axis: arbAxis(x.length), n: arbDim(5, true), scalar: fc.boolean() }).map(({ axis, n, scalar }) => {
    const dim = sizeAlong(x, caseAxis(axis, x.length));
    const index = x.length === 0 ? (scalar ? [] : [1]) : [dim === 0 ? 0 : n];
    return { shapes: [x, index], attrs: { axis } as IndexSelectAttrs };
  }),
);

export const indexSelectOp = defineOp({
  name: 'index_select',
  family: 'movement',
  doc: 'out = x with the slices along axis picked by a 1-D index: out[..., i, ...] = x[..., index[i], ...] (torch.index_select)',
  infer: indexSelectInfer,
  // dX = scatter-add of dOut's slices back to the picked positions (repeated indices accumulate).
  vjp: ({ inputs: [x, index], dOut, attrs }) => {
    const axis = normalizeAxis('index_select', 'axis', attrs.axis, dOut.rank);
    const view = dOut.shape.map((_, k) => (k === axis ? index!.size : 1));
    const idx = expand(reshape(index!, view), dOut.shape);
    return [scatterAdd(zeros(x!.shape, { dtype: dOut.dtype, backend: dOut.backend }), idx, dOut, attrs), null];
  },
  check: {
    cases,
    inputs: [F, { kind: 'int32' }],
    values: (c, src) => [null, indexValues(sizeOf(c.shapes[1]!), sizeAlong(c.shapes[0]!, caseAxis(c.attrs.axis, c.shapes[0]!.length)), src)],
    secondOrder: true,
  },
  // Each output element reads one x element; the index is read once per slice.
  cost: (inputs, outputs) => ({ flops: 0, bytes: bytesOf([inputs[1]!]) + 2 * bytesOf(outputs) }),
});

/** torch.index_select(x, dim=axis, index): indices must lie in [0, x.size(axis)) (the ref kernel checks). */
export const indexSelect = (x: Tensor, index: Tensor, attrs: IndexSelectAttrs): Tensor => apply1(indexSelectOp, [x, index], attrs);
