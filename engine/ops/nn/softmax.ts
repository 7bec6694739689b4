import { F } from '../../check.js';
import { zerosLike } from '../../creation.js';
import { apply1 } from '../../dispatch.js';
import { defineOp } from '../../op.js';
import type { Tensor } from '../../tensor.js';
import { div } from '../binary/div.js';
import { mul } from '../binary/mul.js';
import { sub } from '../binary/sub.js';
import { elementwiseCost } from '../infer.js';
import { max } from '../reduce/max.js';
import { sum } from '../reduce/sum.js';
import { exp } from '../unary/exp.js';
import { softmaxCases, softmaxInfer, type SoftmaxAttrs } from './util.js';

export const softmaxOp = defineOp({
  name: 'softmax',
  family: 'nn',
  doc: 'exp(x - max) / sum(exp(x - max)) along axis (default -1); -inf entries get 0, a row of all -inf is NaN (torch)',
  infer: softmaxInfer('softmax'),
  // dX = y * (dOut - sum(dOut * y, axis, keepdims))   (Jacobian diag(y) - y y^T)
  vjp: ({ outputs: [y], dOut, attrs }) => [mul(y!, sub(dOut, sum(mul(dOut, y!), { axes: attrs.axis ?? -1, keepdims: true })))],
  // Stable: x - max <= 0, so exp never overflows; the shift cancels in value and in derivative.
  // NOTE: an empty tensor short-circuits (max has no identity over a size-0 axis).
  decompose: ([x], attrs) => {
    if (x!.size === 0) return [zerosLike(x!)];
    const axes = attrs.axis ?? -1;
    const e = exp(sub(x!, max(x!, { axes, keepdims: true })));
    return [div(e, sum(e, { axes, keepdims: true }))];
  },
  check: { cases: softmaxCases, inputs: [F], secondOrder: true },
  cost: elementwiseCost(5),
});

export const softmax = (x: Tensor, attrs: SoftmaxAttrs = {}): Tensor => apply1(softmaxOp, [x], attrs);
