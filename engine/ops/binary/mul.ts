import { broadcastCases, noAttrs } from '../../arb.js';
import { F } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { defineOp } from '../../op.js';
import type { Tensor } from '../../tensor.js';
import { unbroadcast } from '../grad-util.js';
import { binaryInfer, elementwiseCost } from '../infer.js';
import { lift, type TensorLike } from '../lift.js';

export const mulOp = defineOp({
  name: 'mul',
  family: 'binary',
  doc: 'a * b with broadcasting',
  infer: binaryInfer('mul'),
  // d(ab)/da = b, d(ab)/db = a
  vjp: ({ inputs: [a, b], dOut }) => [unbroadcast(mul(dOut, b!), a!.shape), unbroadcast(mul(dOut, a!), b!.shape)],
  check: { cases: broadcastCases(2, noAttrs), inputs: [F, F], secondOrder: true },
  cost: elementwiseCost(1),
});

export function mul(a: TensorLike, b: TensorLike): Tensor {
  return apply1(mulOp, lift('mul', a, b), {});
}
