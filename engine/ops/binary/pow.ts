import { broadcastCases, noAttrs } from '../../arb.js';
import { F, POSITIVE, fIn } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { isFloat } from '../../dtype.js';
import { defineOp } from '../../op.js';
import type { Tensor } from '../../tensor.js';
import { eq } from '../compare/eq.js';
import { ge } from '../compare/ge.js';
import { unbroadcast } from '../grad-util.js';
import { binaryInfer, elementwiseCost } from '../infer.js';
import { lift, type TensorLike } from '../lift.js';
import { cast } from '../linalg/cast.js';
import { log } from '../unary/log.js';
import { mul } from './mul.js';
import { sub } from './sub.js';
import { where } from './where.js';

// NOTE: dtypes follow torch.pow: int32 ** int32 stays int32 (a negative exponent truncates toward
// zero, so 2 ** -1 == 0 while 1 ** -1 == 1 and (-1) ** -1 == -1); any float operand gives float.
// Number operands are lifted without widening (x ** 2 keeps x's dtype; int32 ** 0.5 is float32).
export const powOp = defineOp({
  name: 'pow',
  family: 'binary',
  doc: 'a ** b with broadcasting (C pow semantics: 1 ** NaN == 1, NaN ** 0 == 1)',
  infer: binaryInfer('pow'),
  // y = a^b: dy/da = b * a^(b-1), dy/db = a^b * ln(a) = y * ln(a)
  // NOTE: as in PyTorch (pow_backward_self / pow_backward_exponent): dy/da is 0 where b == 0
  // (so 0 ** 0 has no 0 * inf), dy/db is 0 where a == 0 and b >= 0 (instead of 0 * -inf), and
  // for a < 0 dy/db is NaN because ln(a) is (the derivative does not exist for real powers).
  vjp: ({ inputs: [a, b], outputs: [y], dOut }) => {
    const dA = () => where(eq(b!, 0), 0, mul(dOut, mul(b!, pow(a!, sub(b!, 1)))));
    const dB = () => {
      const raw = mul(dOut, mul(y!, log(isFloat(a!.dtype) ? a! : cast(a!, y!.dtype))));
      return where(eq(a!, 0), where(ge(b!, 0), 0, raw), raw);
    };
    return [a!.requiresGrad ? unbroadcast(dA(), a!.shape) : null, b!.requiresGrad ? unbroadcast(dB(), b!.shape) : null];
  },
  // Positive base: ln(a) is defined and a^(b-1) is smooth.
  check: { cases: broadcastCases(2, noAttrs), inputs: [fIn(POSITIVE), F], secondOrder: true },
  cost: elementwiseCost(1),
});

export function pow(a: TensorLike, b: TensorLike): Tensor {
  return apply1(powOp, lift('pow', a, b), {});
}
