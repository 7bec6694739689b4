// Helpers used inside VJPs. They are written with ops, so they are differentiable themselves.
import { sameShape, type Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { sum } from './reduce/sum.js';
import { reshape } from './movement/reshape.js';

/** Sums a gradient of a broadcast result back to the operand's `shape` (inverse of broadcasting). */
export function unbroadcast(g: Tensor, shape: Shape): Tensor {
  if (sameShape(g.shape, shape)) return g;
  const lead = g.rank - shape.length;
  const axes: number[] = [];
  for (let k = 0; k < g.rank; k++) {
    if (k < lead || (shape[k - lead] === 1 && g.shape[k] !== 1)) axes.push(k);
  }
  const s = axes.length ? sum(g, { axes, keepdims: true }) : g;
  return sameShape(s.shape, shape) ? s : reshape(s, shape);
}
