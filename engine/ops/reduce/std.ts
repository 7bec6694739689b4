import { DISTINCT, fIn } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { defineOp } from '../../op.js';
import { normalizeAxes, sizeOf } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { div } from '../binary/div.js';
import { mul } from '../binary/mul.js';
import { sub } from '../binary/sub.js';
import { where } from '../binary/where.js';
import { eq } from '../compare/eq.js';
import { bytesOf, requireFloat } from '../infer.js';
import { broadcastBack } from './grad.js';
import { mean } from './mean.js';
import { reduceInfer, reductionSize, resolveCorrection, varCases, varianceDivisor, type VarAttrs } from './util.js';

export const stdOp = defineOp({
  name: 'std',
  family: 'reduce',
  doc: 'standard deviation over axes: sqrt(var(x, correction)), correction = 1 by default (torch.std)',
  infer: reduceInfer<VarAttrs>('std', (x) => x.dtype, (x, _axes, attrs) => {
    requireFloat('std', 'x', x);
    resolveCorrection('std', attrs);
  }),
  // d std / dx_i = (x_i - mean) / ((N - correction) * std).
  // NOTE: where std == 0 the gradient is 0 (torch masks it the same way) instead of 0/0.
  vjp: ({ inputs: [x], outputs: [y], dOut, attrs }) => {
    const axes = normalizeAxes('std', 'axes', attrs.axes, x!.shape);
    const d = varianceDivisor(reductionSize(x!.shape, axes), resolveCorrection('std', attrs));
    const isZero = eq(y!, 0);
    const scaled = where(isZero, 0, div(dOut, mul(where(isZero, 1, y!), d)));
    const centered = sub(x!, mean(x!, { axes, keepdims: true }));
    return [mul(broadcastBack(scaled, x!.shape, axes), centered)];
  },
  // Distinct values keep std away from 0 (its derivative has a 1/std pole there).
  check: { cases: varCases(), inputs: [fIn(DISTINCT)], secondOrder: true },
  cost: (inputs, outputs) => ({
    flops: 4 * sizeOf(inputs[0]!.shape) + sizeOf(outputs[0]!.shape),
    bytes: bytesOf(inputs) + bytesOf(outputs),
  }),
});

export const std = (x: Tensor, attrs: VarAttrs = {}): Tensor => apply1(stdOp, [x], attrs);
