import { broadcastCases, noAttrs } from '../../arb.js';
import { F, NONZERO, fIn } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { defineOp } from '../../op.js';
import type { Tensor } from '../../tensor.js';
import { unbroadcast } from '../grad-util.js';
import { binaryInfer, elementwiseCost } from '../infer.js';
import { lift, type TensorLike } from '../lift.js';
import { mul } from './mul.js';
import { neg } from '../unary/neg.js';

export const divOp = defineOp({
  name: 'div',
  family: 'binary',
  doc: 'a / b with broadcasting (true division; int32 operands give float32)',
  infer: (inputs, attrs: Record<string, never>) => {
    const [o] = binaryInfer('div')(inputs);
    return [{ shape: o!.shape, dtype: o!.dtype === 'float64' ? 'float64' : 'float32' }];
  },
  // y = a/b: dy/da = 1/b, dy/db = -a/b^2 = -y/b
  vjp: ({ inputs: [a, b], outputs: [y], dOut }) => {
    const dA = div(dOut, b!);
    return [unbroadcast(dA, a!.shape), unbroadcast(neg(mul(dA, y!)), b!.shape)];
  },
  check: { cases: broadcastCases(2, noAttrs), inputs: [F, fIn(NONZERO)], secondOrder: true },
  cost: elementwiseCost(1),
});

export function div(a: TensorLike, b: TensorLike): Tensor {
  return apply1(divOp, lift('div', a, b), {});
}
