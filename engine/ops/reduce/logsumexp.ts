import { F } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { defineOp } from '../../op.js';
import { normalizeAxes, sizeOf } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { mul } from '../binary/mul.js';
import { sub } from '../binary/sub.js';
import { bytesOf, requireFloat } from '../infer.js';
import { exp } from '../unary/exp.js';
import { broadcastBack } from './grad.js';
import { emptyValueReduction, reduceCases, reduceInfer, type ReduceAttrs } from './util.js';

export const logsumexpOp = defineOp({
  name: 'logsumexp',
  family: 'reduce',
  doc: 'log(sum(exp(x))) over axes, computed as m + log(sum(exp(x - m))) with m = max(x); -inf over an empty set',
  infer: reduceInfer('logsumexp', (x) => x.dtype, (x) => requireFloat('logsumexp', 'x', x)),
  // d lse / dx_i = exp(x_i - lse) = softmax(x)_i.
  // NOTE: where every entry is -inf, y = -inf and the gradient is NaN (exp(-inf - -inf)), as in torch.
  vjp: ({ inputs: [x], outputs: [y], dOut, attrs }) => {
    const axes = normalizeAxes('logsumexp', 'axes', attrs.axes, x!.shape);
    const back = (t: Tensor) => broadcastBack(t, x!.shape, axes);
    return [mul(back(dOut), exp(sub(x!, back(y!))))];
  },
  check: { cases: reduceCases(true, emptyValueReduction), inputs: [F], secondOrder: true },
  cost: (inputs, outputs) => ({ flops: 4 * sizeOf(inputs[0]!.shape), bytes: bytesOf(inputs) + bytesOf(outputs) }),
});

export const logsumexp = (x: Tensor, attrs: ReduceAttrs = {}): Tensor => apply1(logsumexpOp, [x], attrs);
