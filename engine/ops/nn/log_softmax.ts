import { F } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { defineOp } from '../../op.js';
import type { Tensor } from '../../tensor.js';
import { mul } from '../binary/mul.js';
import { sub } from '../binary/sub.js';
import { elementwiseCost } from '../infer.js';
import { logsumexp } from '../reduce/logsumexp.js';
import { sum } from '../reduce/sum.js';
import { exp } from '../unary/exp.js';
import { softmaxCases, softmaxInfer, type SoftmaxAttrs } from './util.js';

export const logSoftmaxOp = defineOp({
  name: 'log_softmax',
  family: 'nn',
  doc: 'x - logsumexp(x, axis) along axis (default -1), never overflowing; -inf entries stay -inf, a row of all -inf is NaN (torch)',
  infer: softmaxInfer('log_softmax'),
  // dX = dOut - exp(y) * sum(dOut, axis, keepdims)   (y = log softmax, exp(y) = softmax)
  vjp: ({ outputs: [y], dOut, attrs }) => [sub(dOut, mul(exp(y!), sum(dOut, { axes: attrs.axis ?? -1, keepdims: true })))],
  decompose: ([x], attrs) => [sub(x!, logsumexp(x!, { axes: attrs.axis ?? -1, keepdims: true }))],
  check: { cases: softmaxCases, inputs: [F], secondOrder: true },
  cost: elementwiseCost(5),
});

export const logSoftmax = (x: Tensor, attrs: SoftmaxAttrs = {}): Tensor => apply1(logSoftmaxOp, [x], attrs);
