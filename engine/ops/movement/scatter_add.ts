import fc from 'fast-check';
import type { TensorMeta } from '../../backend.js';
import { F } from '../../check.js';
import { zeros } from '../../creation.js';
import { apply1 } from '../../dispatch.js';
import { itemSize } from '../../dtype.js';
import { DTypeError, ShapeError, fmtShape } from '../../errors.js';
import { defineOp } from '../../op.js';
import { normalizeAxis, sameShape, sizeOf, type Shape } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { bytesOf, requireArity, requireNumeric } from '../infer.js';
import { concat } from './concat.js';
import { gather } from './gather.js';
import { arbIndexedShapes, caseAxis, indexValues, requireIndex, sizeAlong } from './indexing-util.js';

export interface ScatterAddAttrs {
  /** Axis along which `index` says where each src element is added. */
  axis: number;
}

function scatterAddInfer(inputs: readonly TensorMeta[], attrs: ScatterAddAttrs): TensorMeta[] {
  requireArity('scatter_add', inputs, 3);
  const [x, index, src] = inputs as [TensorMeta, TensorMeta, TensorMeta];
  requireNumeric('scatter_add', 'x', x);
  requireIndex('scatter_add', 'index', index);
  if (src.dtype !== x.dtype) {
    throw new DTypeError('scatter_add', `src ${fmtShape(src.shape)} has dtype ${src.dtype} but x ${fmtShape(x.shape)} has dtype ${x.dtype}; they must match`);
  }
  const shapes = `x ${fmtShape(x.shape)}, index ${fmtShape(index.shape)} and src ${fmtShape(src.shape)}`;
  if (index.shape.length !== x.shape.length || src.shape.length !== x.shape.length) throw new ShapeError('scatter_add', `${shapes}: all three must have the same rank`);
  const axis = normalizeAxis('scatter_add', 'axis', attrs.axis, x.shape.length, x.shape);
  index.shape.forEach((d, k) => {
    if (d > src.shape[k]!) throw new ShapeError('scatter_add', `${shapes}: index size ${d} exceeds src size ${src.shape[k]} in dimension ${k}`);
    if (k !== axis && d > x.shape[k]!) {
      throw new ShapeError('scatter_add', `${shapes}: index size ${d} exceeds x size ${x.shape[k]} in dimension ${k} (only axis ${axis} may be larger)`);
    }
  });
  return [{ shape: x.shape, dtype: x.dtype }];
}

/** `t` padded with trailing zeros in every dimension up to `shape` (src entries the index does not reach). */
function zeroPadTo(t: Tensor, shape: Shape): Tensor {
  let r = t;
  shape.forEach((d, k) => {
    if (r.shape[k]! === d) return;
    const fill = zeros(r.shape.map((e, j) => (j === k ? d - e : e)), { dtype: r.dtype, backend: r.backend });
    r = concat([r, fill], { axis: k });
  });
  return r;
}

/** Cases: gather-like x/index shapes; src at least as large as index in every dimension. */
const cases = arbIndexedShapes().chain(({ x, axis, index }) =>
  fc.array(fc.integer({ min: 0, max: 2 }), { minLength: index.length, maxLength: index.length }).map((extra) => ({
    shapes: [x, index, index.map((d, k) => d + extra[k]!)],
    attrs: { axis } as ScatterAddAttrs,
  })),
);

export const scatterAddOp = defineOp({
  name: 'scatter_add',
  family: 'movement',
  doc: 'out = x, then out[index[i][j]][j] += src[i][j] for axis 0 (torch.Tensor.scatter_add, out of place)',
  infer: scatterAddInfer,
  // out = x + S src with S the scatter; dX = dOut, dSrc = S^T dOut = gather(dOut, index) (zeros where src is unused).
  vjp: ({ inputs: [, index, src], dOut, attrs }) => {
    const g = gather(dOut, index!, attrs);
    return [dOut, null, sameShape(g.shape, src!.shape) ? g : zeroPadTo(g, src!.shape)];
  },
  check: {
    cases,
    inputs: [F, { kind: 'int32' }, F],
    values: (c, src) => [null, indexValues(sizeOf(c.shapes[1]!), sizeAlong(c.shapes[0]!, caseAxis(c.attrs.axis, c.shapes[0]!.length)), src), null],
    secondOrder: true,
  },
  // One add per index element; x is read, out written, and each used src element read once.
  cost: (inputs, outputs) => {
    const n = sizeOf(inputs[1]!.shape);
    return { flops: n, bytes: bytesOf([inputs[0]!, inputs[1]!]) + n * itemSize(inputs[2]!.dtype) + bytesOf(outputs) };
  },
});

/**
 * torch.Tensor.scatter_add(dim=axis, index, src), out of place: repeated indices accumulate.
 * NOTE: indices must lie in [0, x.size(axis)); src entries beyond index's extent are ignored.
 */
export const scatterAdd = (x: Tensor, index: Tensor, src: Tensor, attrs: ScatterAddAttrs): Tensor =>
  apply1(scatterAddOp, [x, index, src], attrs);
