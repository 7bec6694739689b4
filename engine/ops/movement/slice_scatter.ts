import fc from 'fast-check';
import { arbShape } from '../../arb.js';
import type { TensorMeta } from '../../backend.js';
import { F } from '../../check.js';
import { zerosLike } from '../../creation.js';
import { apply1 } from '../../dispatch.js';
import { DTypeError, ShapeError, fmtShape } from '../../errors.js';
import { defineOp } from '../../op.js';
import { sameShape } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { movementCost, requireArity } from '../infer.js';
import { slice } from './slice.js';
import { arbSliceAttrs, resolveSlice, sliceShape, type SliceAttrs } from './util.js';

/** Cases: a slice of x (as for slice) and src of exactly the sliced shape. */
const cases = arbShape({ zero: true }).chain((s) =>
  arbSliceAttrs(s).map((attrs) => ({ shapes: [s, sliceShape(resolveSlice('slice_scatter', s, attrs))], attrs })),
);

export const sliceScatterOp = defineOp({
  name: 'slice_scatter',
  family: 'movement',
  doc: 'a copy of x whose slice x[start:end:step] (per listed axis) is replaced by src',
  infer: (inputs: readonly TensorMeta[], attrs: SliceAttrs) => {
    requireArity('slice_scatter', inputs, 2);
    const [x, src] = inputs as [TensorMeta, TensorMeta];
    const region = sliceShape(resolveSlice('slice_scatter', x.shape, attrs));
    if (!sameShape(src.shape, region)) {
      throw new ShapeError('slice_scatter', `src ${fmtShape(src.shape)} does not match the slice ${fmtShape(region)} of x ${fmtShape(x.shape)}`);
    }
    if (src.dtype !== x.dtype) throw new DTypeError('slice_scatter', `src ${fmtShape(src.shape)} has dtype ${src.dtype} but x ${fmtShape(x.shape)} has dtype ${x.dtype}`);
    return [{ shape: x.shape, dtype: x.dtype }];
  },
  // Outside the slice out = x, inside out = src: dx = slice_scatter(dOut, 0), dsrc = slice(dOut).
  vjp: ({ inputs: [, src], dOut, attrs }) => [sliceScatter(dOut, zerosLike(src!, { dtype: dOut.dtype }), attrs), slice(dOut, attrs)],
  check: { cases, inputs: [F, F], secondOrder: true },
  cost: movementCost,
});

/** torch.slice_scatter over several axes: x with x[starts:ends:steps] replaced by src. */
export const sliceScatter = (x: Tensor, src: Tensor, attrs: SliceAttrs): Tensor => apply1(sliceScatterOp, [x, src], attrs);
