import { F } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { defineOp } from '../../op.js';
import { normalizeAxes, sizeOf } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { mul } from '../binary/mul.js';
import { sub } from '../binary/sub.js';
import { bytesOf, requireFloat } from '../infer.js';
import { broadcastBack } from './grad.js';
import { mean } from './mean.js';
import { reduceInfer, reductionSize, resolveCorrection, varCases, varianceDivisor, type VarAttrs } from './util.js';

export const varOp = defineOp({
  name: 'var',
  family: 'reduce',
  doc: 'variance over axes: sum((x - mean)^2) / max(0, N - correction), correction = 1 by default (torch.var)',
  infer: reduceInfer<VarAttrs>('var', (x) => x.dtype, (x, _axes, attrs) => {
    requireFloat('var', 'x', x);
    resolveCorrection('var', attrs);
  }),
  // d var / dx_i = 2 (x_i - mean) / (N - correction); the d mean / dx_i terms sum to zero.
  vjp: ({ inputs: [x], dOut, attrs }) => {
    const axes = normalizeAxes('var', 'axes', attrs.axes, x!.shape);
    const d = varianceDivisor(reductionSize(x!.shape, axes), resolveCorrection('var', attrs));
    const centered = sub(x!, mean(x!, { axes, keepdims: true }));
    return [mul(broadcastBack(dOut, x!.shape, axes), mul(centered, 2 / d))];
  },
  check: { cases: varCases(), inputs: [F], secondOrder: true },
  cost: (inputs, outputs) => ({ flops: 4 * sizeOf(inputs[0]!.shape), bytes: bytesOf(inputs) + bytesOf(outputs) }),
});

/** Variance (torch.var); named `variance` because `var` is a reserved word. */
export const variance = (x: Tensor, attrs: VarAttrs = {}): Tensor => apply1(varOp, [x], attrs);
