import type { TensorMeta } from '../../backend.js';
import { F } from '../../check.js';
import { zeros } from '../../creation.js';
import { apply1 } from '../../dispatch.js';
import { ShapeError, fmtShape } from '../../errors.js';
import { defineOp } from '../../op.js';
import { normalizeAxis, sizeOf } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { bytesOf, requireArity } from '../infer.js';
import { arbIndexedShapes, caseAxis, indexValues, requireIndex, sizeAlong } from './indexing-util.js';
import { scatterAdd } from './scatter_add.js';

export interface GatherAttrs {
  /** Axis along which `index` picks elements of x. */
  axis: number;
}

function gatherInfer(inputs: readonly TensorMeta[], attrs: GatherAttrs): TensorMeta[] {
  requireArity('gather', inputs, 2);
  const [x, index] = inputs as [TensorMeta, TensorMeta];
  requireIndex('gather', 'index', index);
  if (index.shape.length !== x.shape.length) {
    throw new ShapeError('gather', `x ${fmtShape(x.shape)} and index ${fmtShape(index.shape)}: index must have the same rank as x (${index.shape.length} vs ${x.shape.length})`);
  }
  const axis = normalizeAxis('gather', 'axis', attrs.axis, x.shape.length, x.shape);
  index.shape.forEach((d, k) => {
    if (k !== axis && d > x.shape[k]!) {
      const pair = `x ${fmtShape(x.shape)} and index ${fmtShape(index.shape)}`;
      throw new ShapeError('gather', `${pair}: index size ${d} exceeds x size ${x.shape[k]} in dimension ${k} (only axis ${axis} may be larger)`);
    }
  });
  return [{ shape: index.shape, dtype: x.dtype }];
}

export const gatherOp = defineOp({
  name: 'gather',
  family: 'movement',
  doc: 'out[i][j][k] = x[index[i][j][k]][j][k] for axis 0 (torch.gather); out has the shape of index',
  infer: gatherInfer,
  // out = G x with G selecting x entries; dX = G^T dOut = scatter-add of dOut into zeros (repeats accumulate).
  vjp: ({ inputs: [x, index], dOut, attrs }) => [scatterAdd(zeros(x!.shape, { dtype: dOut.dtype, backend: dOut.backend }), index!, dOut, attrs), null],
  check: {
    cases: arbIndexedShapes().map(({ x, axis, index }) => ({ shapes: [x, index], attrs: { axis } })),
    inputs: [F, { kind: 'int32' }],
    values: (c, src) => [null, indexValues(sizeOf(c.shapes[1]!), sizeAlong(c.shapes[0]!, caseAxis(c.attrs.axis, c.shapes[0]!.length)), src)],
    secondOrder: true,
  },
  // Each output element reads one index and one x element.
  cost: (inputs, outputs) => ({ flops: 0, bytes: bytesOf([inputs[1]!]) + 2 * bytesOf(outputs) }),
});

/**
 * torch.gather(x, dim=axis, index). NOTE: indices must lie in [0, x.size(axis)); negative indices
 * are an error as in torch (the ref kernel throws ValueError, since values are data).
 */
export const gather = (x: Tensor, index: Tensor, attrs: GatherAttrs): Tensor => apply1(gatherOp, [x, index], attrs);

