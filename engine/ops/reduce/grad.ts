// Helpers for reduction VJPs, written with ops so the gradients are differentiable again.
// (Separate from util.ts, which sum.ts imports: keeps the module graph free of cycles.)
import { normalizeAxes, type Shape } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { div } from '../binary/div.js';
import { where } from '../binary/where.js';
import { eq } from '../compare/eq.js';
import { cast } from '../linalg/cast.js';
import { expand } from '../movement/expand.js';
import { reshape } from '../movement/reshape.js';
import { sum } from './sum.js';
import { reducedShape, type ReduceAttrs } from './util.js';

/** A reduced tensor (with or without keepdims) broadcast back to the input shape. */
export function broadcastBack(t: Tensor, shape: Shape, axes: readonly number[]): Tensor {
  return expand(reshape(t, reducedShape(shape, axes, true)), shape);
}

/**
 * VJP of amax/amin (y = extremum of x over axes): the gradient is split evenly between the
 * positions that attain y (torch.amax): dX = dOut * [x == y] / #{x == y}.
 */
export function extremumVjp(op: string, x: Tensor, y: Tensor, dOut: Tensor, attrs: ReduceAttrs): Tensor {
  const axes = normalizeAxes(op, 'axes', attrs.axes, x.shape);
  const hit = eq(x, broadcastBack(y, x.shape, axes));
  const mask = cast(hit, x.dtype);
  const count = sum(mask, { axes, keepdims: true });
  const share = div(broadcastBack(dOut, x.shape, axes), count);
  return where(hit, share, 0);
}
