// Paper: Su et al., "RoFormer: Enhanced Transformer with Rotary Position Embedding", arXiv:2104.09864.
// Spec: shared/specs/mhc-hc-attention.md §4.4.
import { fromArray } from '../../creation.js';
import { apply1 } from '../../dispatch.js';
import { allocArray } from '../../dtype.js';
import { F } from '../../check.js';
import { defineOp } from '../../op.js';
import { sizeOf } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { add } from '../binary/add.js';
import { mul } from '../binary/mul.js';
import { bytesOf } from '../infer.js';
import { neg } from '../unary/neg.js';
import { concat } from '../movement/concat.js';
import { reshape } from '../movement/reshape.js';
import { slice } from '../movement/slice.js';
import { ropeAngle, ropeCases, ropeInfer, ropePair, ropePlan, type RopeAttrs, type RopePlan } from './attention-util.js';

export type { RopeAttrs } from './attention-util.js';

/** cos and sin of each rotated dim's angle, (T, d) in x's pairing layout; sin carries the direction. */
function ropeTables(x: Tensor, p: RopePlan): [Tensor, Tensor] {
  const cos = allocArray(x.dtype, p.T * p.d), sin = allocArray(x.dtype, p.T * p.d);
  for (let t = 0; t < p.T; t++) {
    for (let i = 0; i < p.d / 2; i++) {
      const a = ropeAngle(p, t, i);
      for (const j of ropePair(p, i)) {
        cos[t * p.d + j] = Math.cos(a);
        sin[t * p.d + j] = Math.sin(a);
      }
    }
  }
  const opts = { backend: x.backend };
  return [fromArray(cos, [p.T, p.d], x.dtype, opts), fromArray(sin, [p.T, p.d], x.dtype, opts)];
}

/** Each pair (a, b) -> (−b, a): rotate_half for the half-split layout, per adjacent pair when interleaved. */
function rotatePairs(x: Tensor, p: RopePlan): Tensor {
  const half = p.d / 2;
  if (!p.interleaved) {
    const [a, b] = [slice(x, { starts: [0], ends: [half], axes: [-1] }), slice(x, { starts: [half], ends: [p.d], axes: [-1] })];
    return concat([neg(b), a], { axis: -1 });
  }
  const pairs = reshape(x, [...x.shape.slice(0, -1), half, 2]); // (..., T, d/2, 2)
  const [a, b] = [slice(pairs, { starts: [0], ends: [1], axes: [-1] }), slice(pairs, { starts: [1], ends: [2], axes: [-1] })];
  return reshape(concat([neg(b), a], { axis: -1 }), x.shape); // (..., T, d)
}

export const ropeOp = defineOp({
  name: 'rope',
  family: 'nn',
  doc: 'rotary position embedding: pair i of token t rotated by (offset + t)·base^(−2i/d); interleaved pairs by default',
  infer: ropeInfer,
  // A rotation R is orthogonal, so dX = Rᵀ dOut = rope with the negated angles.
  vjp: ({ dOut, attrs }) => [rope(dOut, { ...attrs, inverse: !attrs.inverse })],
  // out = x ⊙ cos + rotatePairs(x) ⊙ sin on the first d dims; the rest pass through.
  decompose: ([x], attrs) => {
    const p = ropePlan(x!.shape, attrs);
    const rot = p.d === p.D ? x! : slice(x!, { starts: [0], ends: [p.d], axes: [-1] });
    const [cos, sin] = ropeTables(x!, p);
    const y = add(mul(rot, cos), mul(rotatePairs(rot, p), sin));
    return [p.d === p.D ? y : concat([y, slice(x!, { starts: [p.d], ends: [p.D], axes: [-1] })], { axis: -1 })];
  },
  check: { cases: ropeCases, inputs: [F], secondOrder: true },
  // Per rotated pair: 4 multiplies and 2 adds (angles are per (t, i), not per element).
  cost: (inputs, outputs, attrs) => {
    const p = ropePlan(inputs[0]!.shape, attrs);
    const rows = sizeOf(outputs[0]!.shape.slice(0, -1));
    return { flops: 3 * rows * p.d, bytes: bytesOf(inputs) + bytesOf(outputs) };
  },
});

/**
 * Rotary position embedding of x (..., T, D): token t is at position offset + t and its pair i is
 * rotated by that position times θ_i = base^(−2i/d), d = rotaryDim (default D; dims past d pass through).
 * interleaved (default) pairs (x0,x1),(x2,x3)…; interleaved: false pairs (x_i, x_{i+d/2}) (rotate_half).
 */
export const rope = (x: Tensor, attrs: RopeAttrs = {}): Tensor => apply1(ropeOp, [x], attrs);
