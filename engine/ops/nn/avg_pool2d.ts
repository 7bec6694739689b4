import fc from 'fast-check';
import type { TensorMeta } from '../../backend.js';
import { F } from '../../check.js';
import { fromArray } from '../../creation.js';
import { apply1 } from '../../dispatch.js';
import { allocArray } from '../../dtype.js';
import { defineOp } from '../../op.js';
import { sizeOf } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { mul } from '../binary/mul.js';
import { bytesOf, requireArity } from '../infer.js';
import { expand } from '../movement/expand.js';
import { reshape } from '../movement/reshape.js';
import { sum } from '../reduce/sum.js';
import { col2im, im2col } from './conv-grad.js';
import { arbBatch, arbWinCase, avgPoolDivisors, avgPoolGeom, pairAttr, type AvgPool2dAttrs } from './conv-util.js';

export type { AvgPool2dAttrs } from './conv-util.js';

/** Cases: stride (default too), padding (<= kernel/2), ceilMode, countIncludePad, divisorOverride, odd sizes. */
const cases = fc
  .record({
    n: arbBatch, c: fc.integer({ min: 1, max: 3 }), h: arbWinCase({ halfPad: true, maxD: 1, grow: true }), w: arbWinCase({ halfPad: true, maxD: 1, grow: true }),
    ceilMode: fc.boolean(), countIncludePad: fc.option(fc.boolean(), { nil: undefined }), divisorOverride: fc.option(fc.constantFrom(-2, 1, 3, 5), { nil: undefined }),
    asNumber: fc.boolean(), defaultStride: fc.boolean(),
  })
  .map(({ n, c, h, w, asNumber, defaultStride, ...flags }) => {
    const attrs: AvgPool2dAttrs = { kernelSize: pairAttr(h.k, w.k, asNumber), padding: pairAttr(h.p, w.p, asNumber), ...flags };
    if (!defaultStride) attrs.stride = pairAttr(h.s, w.s, asNumber);
    return { shapes: [[n, c, h.size, w.size]], attrs };
  });

/** 1/divisor per window as a constant (1, 1, 1, L) tensor (0 for a window without input). */
function inverseDivisors(x: TensorMeta, attrs: AvgPool2dAttrs, like: Tensor): Tensor {
  const div = avgPoolDivisors(avgPoolGeom('avg_pool2d', x, attrs).wins, attrs);
  const data = allocArray(like.dtype, div.length);
  div.forEach((d, i) => (data[i] = d === 0 ? 0 : 1 / d));
  return fromArray(data, [1, 1, 1, div.length], like.dtype, { backend: like.backend });
}

export const avgPool2dOp = defineOp({
  name: 'avg_pool2d',
  family: 'nn',
  doc: 'torch F.avg_pool2d: the sum of each window (zero padding) divided by its size (countIncludePad, ceilMode clipping) or by divisorOverride',
  infer: (inputs: readonly TensorMeta[], attrs: AvgPool2dAttrs) => {
    requireArity('avg_pool2d', inputs, 1);
    const { N, C, wins } = avgPoolGeom('avg_pool2d', inputs[0]!, attrs);
    return [{ shape: [N, C, wins[0]!.out, wins[1]!.out], dtype: inputs[0]!.dtype }];
  },
  // Linear: y_l = s_l · Σ_{kk} cols[kk, l], so dX = col2im(dOut_l · s_l broadcast over the kernel offsets).
  vjp: ({ inputs: [x], dOut, attrs }) => {
    const { N, C, wins } = avgPoolGeom('avg_pool2d', x!, attrs);
    const K = wins[0]!.k * wins[1]!.k, L = wins[0]!.out * wins[1]!.out;
    const g = mul(reshape(dOut, [N, C, 1, L]), inverseDivisors(x!, attrs, dOut));
    return [col2im(reshape(expand(g, [N, C, K, L]), [N, C * K, L]), wins)];
  },
  decompose: ([x], attrs) => {
    const { N, C, wins } = avgPoolGeom('avg_pool2d', x!, attrs);
    const K = wins[0]!.k * wins[1]!.k, L = wins[0]!.out * wins[1]!.out;
    const sums = sum(reshape(im2col(x!, wins), [N, C, K, L]), { axes: [2], keepdims: true });
    return [reshape(mul(sums, inverseDivisors(x!, attrs, x!)), [N, C, wins[0]!.out, wins[1]!.out])];
  },
  check: { cases, inputs: [F], secondOrder: true },
  // One add per window element and one division per output.
  cost: (inputs, outputs, attrs) => {
    const { wins } = avgPoolGeom('avg_pool2d', inputs[0]!, attrs);
    return { flops: sizeOf(outputs[0]!.shape) * (wins[0]!.k * wins[1]!.k + 1), bytes: bytesOf(inputs) + bytesOf(outputs) };
  },
});

/**
 * torch.nn.functional.avg_pool2d(x (N,C,H,W)): stride defaults to kernelSize, padding is zeros and
 * at most half the kernel, countIncludePad defaults to true.
 * NOTE: as torch, a ceilMode window that runs past the padded input divides by its clipped size.
 */
export const avgPool2d = (x: Tensor, attrs: AvgPool2dAttrs): Tensor => apply1(avgPool2dOp, [x], attrs);
