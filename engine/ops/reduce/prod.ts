import type { TensorMeta } from '../../backend.js';
import { fIn } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { isFloat } from '../../dtype.js';
import { defineOp } from '../../op.js';
import { normalizeAxes, sizeOf } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { div } from '../binary/div.js';
import { mul } from '../binary/mul.js';
import { sub } from '../binary/sub.js';
import { where } from '../binary/where.js';
import { eq } from '../compare/eq.js';
import { cast } from '../linalg/cast.js';
import { bytesOf } from '../infer.js';
import { broadcastBack } from './grad.js';
import { sum } from './sum.js';
import { reduceCases, reduceInfer, type ReduceAttrs } from './util.js';

// NOTE: int32 and bool inputs multiply to int32 (torch gives int64); overflow wraps.
const prodDType = (x: TensorMeta) => (isFloat(x.dtype) ? x.dtype : 'int32');

/**
 * d prod(x) / dx_i = prod_{j != i} x_j, exact when x has zeros (as torch's prod_backward):
 *   x_i != 0:  y / x_i                      (y = prod(x); 0 when another entry is 0)
 *   x_i == 0:  P' * Z_i with P' = product of the non-zero entries and Z_i the product of the
 *              other zeros: 1 if x_i is the only zero, (sum of the zero entries) - x_i if there
 *              are two (value 0, derivative 1 w.r.t. the other zero), else 0.
 * Every branch is written with ops, so second derivatives are exact for up to two zeros.
 */
function prodVjp(x: Tensor, y: Tensor, dOut: Tensor, attrs: ReduceAttrs): Tensor {
  const axes = normalizeAxes('prod', 'axes', attrs.axes, x.shape);
  const back = (t: Tensor) => broadcastBack(t, x.shape, axes);
  const isZero = eq(x, 0);
  const xSafe = where(isZero, 1, x);
  const nonZero = div(back(y), xSafe);
  const zeros = back(sum(cast(isZero, x.dtype), { axes, keepdims: true }));
  const otherZeros = where(eq(zeros, 1), 1, where(eq(zeros, 2), sub(back(sum(where(isZero, x, 0), { axes, keepdims: true })), x), 0));
  const atZero = mul(back(prod(xSafe, { axes, keepdims: true })), otherZeros);
  return mul(back(dOut), where(isZero, atZero, nonZero));
}

export const prodOp = defineOp({
  name: 'prod',
  family: 'reduce',
  doc: 'product over axes (all by default); 1 over an empty set; ints multiply to int32',
  infer: reduceInfer('prod', prodDType),
  vjp: ({ inputs: [x], outputs: [y], dOut, attrs }) => [prodVjp(x!, y!, dOut, attrs)],
  // |x| in [0.5, 1.6]: products of up to 625 factors stay well scaled; zeros are unit-tested.
  check: { cases: reduceCases(), inputs: [fIn({ low: -1.6, high: 1.6, avoid: [0], margin: 0.5 })], secondOrder: true },
  cost: (inputs, outputs) => ({ flops: sizeOf(inputs[0]!.shape), bytes: bytesOf(inputs) + bytesOf(outputs) }),
});

export const prod = (x: Tensor, attrs: ReduceAttrs = {}): Tensor => apply1(prodOp, [x], attrs);
