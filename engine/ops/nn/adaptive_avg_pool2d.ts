import fc from 'fast-check';
import { arbDim } from '../../arb.js';
import type { TensorMeta } from '../../backend.js';
import { F } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { defineOp } from '../../op.js';
import type { Tensor } from '../../tensor.js';
import { bytesOf, requireArity } from '../infer.js';
import { separable, separableGrad, tapMatrices } from './conv-grad.js';
import { arbBatch, pairAttr } from './conv-util.js';
import { adaptiveGeom, type AdaptiveAvgPool2dAttrs } from './resample-util.js';

export type { AdaptiveAvgPool2dAttrs } from './resample-util.js';

/** Cases: outputs smaller, equal and larger than the input (overlapping windows), odd sizes. */
const cases = fc
  .record({ n: arbBatch, c: fc.integer({ min: 1, max: 3 }), h: arbDim(7), w: arbDim(7), oh: fc.integer({ min: 1, max: 5 }), ow: fc.integer({ min: 1, max: 5 }), asNumber: fc.boolean() })
  .map(({ n, c, h, w, oh, ow, asNumber }) => ({ shapes: [[n, c, h, w]], attrs: { outputSize: pairAttr(oh, ow, asNumber) } as AdaptiveAvgPool2dAttrs }));

/** A_h · x · A_wᵀ with the constant averaging matrices A (out, in). */
const tapsOf = (x: Tensor, attrs: AdaptiveAvgPool2dAttrs, like: Tensor) => tapMatrices(adaptiveGeom(x, attrs).taps, x.shape.slice(2), like);

export const adaptiveAvgPool2dOp = defineOp({
  name: 'adaptive_avg_pool2d',
  family: 'nn',
  doc: 'torch F.adaptive_avg_pool2d: y[i, j] = mean of x over rows [floor(i·H/oh), ceil((i+1)·H/oh)) and the same rule for columns',
  infer: (inputs: readonly TensorMeta[], attrs: AdaptiveAvgPool2dAttrs) => {
    requireArity('adaptive_avg_pool2d', inputs, 1);
    const { size } = adaptiveGeom(inputs[0]!, attrs);
    return [{ shape: [inputs[0]!.shape[0]!, inputs[0]!.shape[1]!, size[0]!, size[1]!], dtype: inputs[0]!.dtype }];
  },
  // y = A_h x A_wᵀ is linear: dX = A_hᵀ dOut A_w.
  vjp: ({ inputs: [x], dOut, attrs }) => [separableGrad(dOut, ...tapsOf(x!, attrs, dOut))],
  decompose: ([x], attrs) => [separable(x!, ...tapsOf(x!, attrs, x!))],
  check: { cases, inputs: [F], secondOrder: true },
  // One add per input element of each window.
  cost: (inputs, outputs, attrs) => {
    const { taps } = adaptiveGeom(inputs[0]!, attrs);
    const reads = taps.map((t) => t.reduce((a, r) => a + r.idx.length, 0));
    return { flops: inputs[0]!.shape[0]! * inputs[0]!.shape[1]! * reads[0]! * reads[1]!, bytes: bytesOf(inputs) + bytesOf(outputs) };
  },
});

/** torch.nn.functional.adaptive_avg_pool2d(x (N,C,H,W), outputSize): (N, C, oh, ow). */
export const adaptiveAvgPool2d = (x: Tensor, attrs: AdaptiveAvgPool2dAttrs): Tensor => apply1(adaptiveAvgPool2dOp, [x], attrs);
