import fc from 'fast-check';
import { arbShape } from '../../arb.js';
import type { TensorMeta } from '../../backend.js';
import { F } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { ShapeError, ValueError, fmtShape } from '../../errors.js';
import { defineOp } from '../../op.js';
import { sizeOf, type Shape } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { movementCost, requireArity } from '../infer.js';

export interface ReshapeAttrs {
  /** Target shape; at most one entry may be -1 (inferred). */
  shape: readonly number[];
}

/** Resolves a single -1 in `target` so the sizes match; validates everything else. */
export function resolveShape(op: string, from: Shape, target: readonly number[]): number[] {
  const n = sizeOf(from);
  const minus = target.filter((d) => d === -1).length;
  if (minus > 1) throw new ValueError(op, `shape ${fmtShape(target)} has more than one -1`);
  for (const d of target) {
    if (!Number.isInteger(d) || d < -1) throw new ValueError(op, `shape ${fmtShape(target)} has an invalid dimension ${d}`);
  }
  const known = target.reduce((p, d) => (d === -1 ? p : p * d), 1);
  if (minus === 1) {
    if (known === 0 || n % known !== 0) throw new ShapeError(op, `x ${fmtShape(from)} (${n} elements) cannot be viewed as ${fmtShape(target)}`);
    return target.map((d) => (d === -1 ? n / known : d));
  }
  if (known !== n) throw new ShapeError(op, `x ${fmtShape(from)} (${n} elements) cannot be viewed as ${fmtShape(target)} (${known} elements)`);
  return [...target];
}

/** Cases: a shape and a random regrouping of its factors, sometimes with a -1. */
const cases = arbShape({ zero: true }).chain((s) => {
  const n = sizeOf(s);
  const divisors = n === 0 ? [0, 1, 2] : Array.from({ length: n }, (_, i) => i + 1).filter((d) => n % d === 0);
  return fc.tuple(fc.constantFrom(...divisors), fc.boolean()).map(([d, minus]) => {
    const rest = n === 0 ? 0 : n / d;
    const target = n === 0 ? [d, 0] : [d, rest];
    const attrs: ReshapeAttrs = { shape: minus && n !== 0 ? [target[0]!, -1] : target };
    return { shapes: [s], attrs };
  });
});

export const reshapeOp = defineOp({
  name: 'reshape',
  family: 'movement',
  doc: 'same elements in row-major order, new shape (one -1 is inferred)',
  infer: (inputs: readonly TensorMeta[], attrs: ReshapeAttrs) => {
    requireArity('reshape', inputs, 1);
    const x = inputs[0]!;
    return [{ shape: resolveShape('reshape', x.shape, attrs.shape), dtype: x.dtype }];
  },
  vjp: ({ inputs: [x], dOut }) => [reshape(dOut, x!.shape)],
  check: { cases, inputs: [F], secondOrder: true },
  cost: movementCost,
});

export const reshape = (x: Tensor, shape: readonly number[]): Tensor => apply1(reshapeOp, [x], { shape });
