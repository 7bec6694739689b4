import fc from 'fast-check';
import { arbShape } from '../../arb.js';
import type { TensorMeta } from '../../backend.js';
import { F } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { defineOp } from '../../op.js';
import type { Tensor } from '../../tensor.js';
import { add } from '../binary/add.js';
import { movementCost, requireArity } from '../infer.js';
import { flip } from './flip.js';
import { slice } from './slice.js';
import { arbPadAttrs, resolvePads, type PadAttrs, type PadMode } from './util.js';

export type { PadAttrs, PadMode } from './util.js';

// NOTE: reflect works on any number of trailing dims (torch: only the last 1-3 of a batched input),
// and, like constant mode, accepts negative pads (crops).

/** Cases: any shape; constant (pads up to 3, crops that fit, a fill value) or reflect (pads < size). */
const cases = arbShape({ zero: true }).chain((s) => fc.record({ shapes: fc.constant([s]), attrs: arbPadAttrs(s) }));

/** torch-order pads (last dim first) that pad only `axis` of a rank-`rank` tensor by (left, right). */
function axisPads(rank: number, axis: number, left: number, right: number): number[] {
  const pads = new Array<number>(2 * (rank - axis)).fill(0);
  pads[pads.length - 2] = left;
  pads[pads.length - 1] = right;
  return pads;
}

/**
 * Gradient of reflect padding along one axis of size n. out[j] = x[m(j - left)] with
 * m(p) = -p (p < 0), p (0 <= p < n), 2(n-1) - p (p >= n); dx sums dOut over each preimage:
 *   middle: dx[i] += dOut[i + left]                  (constant pad of dOut by (-left, -right))
 *   left border j < left:      i = left - j in [1, left]      (flip, placed at 1)
 *   right border last `right`: i = 2(n-1) - (j - left) in [n-1-right, n-2]  (flip, placed there)
 */
function reflectGradAxis(g: Tensor, axis: number, left: number, right: number, n: number): Tensor {
  const r = g.rank, len = g.shape[axis]!;
  let dx = pad(g, axisPads(r, axis, -left, -right));
  if (left > 0) {
    const border = flip(slice(g, { starts: [0], ends: [left], axes: [axis] }), [axis]);
    dx = add(dx, pad(border, axisPads(r, axis, 1, n - 1 - left)));
  }
  if (right > 0) {
    const border = flip(slice(g, { starts: [len - right], ends: [len], axes: [axis] }), [axis]);
    dx = add(dx, pad(border, axisPads(r, axis, n - 1 - right, 1)));
  }
  return dx;
}

export const padOp = defineOp({
  name: 'pad',
  family: 'movement',
  doc: 'torch F.pad: grow (or crop, with negative pads) trailing dims with a constant or their reflection',
  infer: (inputs: readonly TensorMeta[], attrs: PadAttrs) => {
    requireArity('pad', inputs, 1);
    const x = inputs[0]!;
    const lr = resolvePads('pad', x.shape, attrs);
    return [{ shape: x.shape.map((n, k) => n + lr[k]![0] + lr[k]![1]), dtype: x.dtype }];
  },
  // constant: out[j] = x[j - left] inside, so dx = pad(dOut, -pads) (the inverse crop).
  // reflect: separable per axis, see reflectGradAxis.
  vjp: ({ inputs: [x], dOut, attrs }) => {
    if ((attrs.mode ?? 'constant') === 'constant') return [pad(dOut, attrs.pads.map((p) => -p || 0))];
    const lr = resolvePads('pad', x!.shape, attrs);
    let g = dOut;
    lr.forEach(([left, right], axis) => {
      if (left !== 0 || right !== 0) g = reflectGradAxis(g, axis, left, right, x!.shape[axis]!);
    });
    return [g];
  },
  check: { cases, inputs: [F], secondOrder: true },
  cost: movementCost,
});

export interface PadOptions {
  mode?: PadMode;
  value?: number;
}

/** torch.nn.functional.pad(x, pads, mode, value); pads list (left, right) pairs from the last dim. */
export const pad = (x: Tensor, pads: readonly number[], opts: PadOptions = {}): Tensor => apply1(padOp, [x], { pads, ...opts });
