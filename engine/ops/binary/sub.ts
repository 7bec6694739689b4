import { broadcastCases, noAttrs } from '../../arb.js';
import { F } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { defineOp } from '../../op.js';
import type { Tensor } from '../../tensor.js';
import { neg } from '../unary/neg.js';
import { unbroadcast } from '../grad-util.js';
import { binaryInfer, elementwiseCost } from '../infer.js';
import { lift, type TensorLike } from '../lift.js';

export const subOp = defineOp({
  name: 'sub',
  family: 'binary',
  doc: 'a - b with broadcasting',
  infer: binaryInfer('sub'),
  // d(a-b)/da = 1, d(a-b)/db = -1
  vjp: ({ inputs: [a, b], dOut }) => [unbroadcast(dOut, a!.shape), unbroadcast(neg(dOut), b!.shape)],
  check: { cases: broadcastCases(2, noAttrs), inputs: [F, F], secondOrder: true },
  cost: elementwiseCost(1),
});

export function sub(a: TensorLike, b: TensorLike): Tensor {
  return apply1(subOp, lift('sub', a, b), {});
}
