import fc from 'fast-check';
import { arbShape } from '../../arb.js';
import type { TensorMeta } from '../../backend.js';
import { fIn } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { ValueError } from '../../errors.js';
import { defineOp } from '../../op.js';
import { sizeOf } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { ge } from '../compare/ge.js';
import { le } from '../compare/le.js';
import { bytesOf, requireArity, requireNumeric } from '../infer.js';
import { where } from './where.js';

export interface ClampAttrs {
  /** Lower bound; omitted means none. */
  min?: number;
  /** Upper bound; omitted means none. */
  max?: number;
}

const isBound = (v: unknown) => v === undefined || typeof v === 'number';

const BOUNDS = [-1.5, -0.5, 0, 0.5, 1.5];

/** min only, max only, or both in either order (min > max included). */
function arbClampAttrs(): fc.Arbitrary<ClampAttrs> {
  const b = fc.constantFrom(...BOUNDS);
  return fc.oneof(
    b.map((min) => ({ min })),
    b.map((max) => ({ max })),
    fc.tuple(b, b).map(([min, max]) => ({ min, max })),
  );
}

export const clampOp = defineOp({
  name: 'clamp',
  family: 'binary',
  doc: 'min(max(x, min), max) with scalar bounds, either optional (torch.clamp)',
  // NOTE: as in torch.clamp, min > max sets every element to max, a NaN element stays NaN, and an
  // int32 tensor with a fractional bound gives float32 (type promotion with the bounds).
  infer: (inputs: readonly TensorMeta[], attrs: ClampAttrs) => {
    requireArity('clamp', inputs, 1);
    const x = inputs[0]!;
    requireNumeric('clamp', 'x', x);
    const { min, max } = attrs;
    if (!isBound(min) || !isBound(max)) throw new ValueError('clamp', `min ${String(min)} and max ${String(max)} must be numbers or omitted`);
    if (min === undefined && max === undefined) throw new ValueError('clamp', 'at least one of min and max must be given');
    const fractional = [min, max].some((v) => v !== undefined && !Number.isInteger(v));
    return [{ shape: x.shape, dtype: x.dtype === 'int32' && fractional ? 'float32' : x.dtype }];
  },
  // dy/dx = [min <= x <= max]: the gradient passes inside the bounds, boundaries included (PyTorch).
  vjp: ({ inputs: [x], dOut, attrs: { min, max } }) => {
    let dX = dOut;
    if (min !== undefined) dX = where(ge(x!, min), dX, 0);
    if (max !== undefined) dX = where(le(x!, max), dX, 0);
    return [dX];
  },
  check: {
    cases: fc.record({ shapes: arbShape({ zero: true }).map((s) => [s]), attrs: arbClampAttrs() }),
    // Values stay 0.1 away from every bound the cases draw (the kinks of clamp).
    inputs: [fIn({ low: -2, high: 2, avoid: BOUNDS, margin: 0.1 })],
    secondOrder: true,
  },
  cost: (inputs, outputs, { min, max }) => ({
    flops: ((min === undefined ? 0 : 1) + (max === undefined ? 0 : 1)) * sizeOf(outputs[0]!.shape),
    bytes: bytesOf(inputs) + bytesOf(outputs),
  }),
});

export function clamp(x: Tensor, bounds: ClampAttrs): Tensor {
  return apply1(clampOp, [x], bounds);
}
