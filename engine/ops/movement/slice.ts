import fc from 'fast-check';
import { arbShape } from '../../arb.js';
import type { TensorMeta } from '../../backend.js';
import { F } from '../../check.js';
import { zerosLike } from '../../creation.js';
import { apply1 } from '../../dispatch.js';
import { defineOp } from '../../op.js';
import type { Tensor } from '../../tensor.js';
import { movementCost, requireArity } from '../infer.js';
import { sliceScatter } from './slice_scatter.js';
import { arbSliceAttrs, resolveSlice, sliceShape, type SliceAttrs } from './util.js';

export type { SliceAttrs } from './util.js';

/** Cases: any shape; listed or default axes, starts/ends past both ends, steps 1-3. */
const cases = arbShape({ zero: true }).chain((s) => fc.record({ shapes: fc.constant([s]), attrs: arbSliceAttrs(s) }));

export const sliceOp = defineOp({
  name: 'slice',
  family: 'movement',
  doc: 'x[start:end:step] along each listed axis (Python semantics, positive steps)',
  infer: (inputs: readonly TensorMeta[], attrs: SliceAttrs) => {
    requireArity('slice', inputs, 1);
    const x = inputs[0]!;
    return [{ shape: sliceShape(resolveSlice('slice', x.shape, attrs)), dtype: x.dtype }];
  },
  // dx = dOut scattered into the sliced positions of zeros: slice_scatter(0, dOut).
  vjp: ({ inputs: [x], dOut, attrs }) => [sliceScatter(zerosLike(x!, { dtype: dOut.dtype }), dOut, attrs)],
  check: { cases, inputs: [F], secondOrder: true },
  cost: movementCost,
});

/** x[starts[i]:ends[i]:steps[i]] along axes[i] (torch x[a:b:c]; default axes 0, 1, ...). */
export const slice = (x: Tensor, attrs: SliceAttrs): Tensor => apply1(sliceOp, [x], attrs);
