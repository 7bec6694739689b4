import { broadcastCases, noAttrs } from '../../arb.js';
import { DISTINCT, fIn } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { defineOp } from '../../op.js';
import type { Tensor } from '../../tensor.js';
import { eq } from '../compare/eq.js';
import { gt } from '../compare/gt.js';
import { lt } from '../compare/lt.js';
import { unbroadcast } from '../grad-util.js';
import { binaryInfer, elementwiseCost } from '../infer.js';
import { lift, type TensorLike } from '../lift.js';
import { selectGrad } from './util.js';

export const minimumOp = defineOp({
  name: 'minimum',
  family: 'binary',
  doc: 'min(a, b) elementwise with broadcasting; NaN in either operand gives NaN (torch.minimum)',
  infer: binaryInfer('minimum'),
  // d min(a,b)/da = [a < b] + [a == b]/2, d min(a,b)/db = [b < a] + [a == b]/2
  // NOTE: at ties PyTorch splits the gradient in half between both operands; so do we.
  vjp: ({ inputs: [a, b], dOut }) => {
    const tie = eq(a!, b!);
    return [
      a!.requiresGrad ? unbroadcast(selectGrad(dOut, gt(a!, b!), tie), a!.shape) : null,
      b!.requiresGrad ? unbroadcast(selectGrad(dOut, lt(a!, b!), tie), b!.shape) : null,
    ];
  },
  // Distinct values across both operands: the gradient is undefined at ties.
  check: { cases: broadcastCases(2, noAttrs), inputs: [fIn(DISTINCT), fIn(DISTINCT)], secondOrder: true },
  cost: elementwiseCost(1),
});

export function minimum(a: TensorLike, b: TensorLike): Tensor {
  return apply1(minimumOp, lift('minimum', a, b), {});
}
