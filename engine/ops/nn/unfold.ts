import fc from 'fast-check';
import type { TensorMeta } from '../../backend.js';
import { F } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { defineOp } from '../../op.js';
import type { Tensor } from '../../tensor.js';
import { movementCost, requireArity, requireFloat } from '../infer.js';
import { arbBatch, arbWinCase, pairAttr, unfoldGeom, type UnfoldAttrs } from './conv-util.js';
import { fold } from './fold.js';

export type { UnfoldAttrs } from './conv-util.js';

function unfoldInfer(inputs: readonly TensorMeta[], attrs: UnfoldAttrs): TensorMeta[] {
  requireArity('unfold', inputs, 1);
  requireFloat('unfold', 'x', inputs[0]!);
  const { N, C, wins: [wh, ww] } = unfoldGeom('unfold', inputs[0]!, attrs);
  return [{ shape: [N, C * wh!.k * ww!.k, wh!.out * ww!.out], dtype: inputs[0]!.dtype }];
}

/** Cases: every attribute in number and pair form; stride, dilation, padding, odd and non-square sizes. */
const cases = fc
  .record({ n: arbBatch, c: fc.integer({ min: 1, max: 3 }), h: arbWinCase(), w: arbWinCase(), asNumber: fc.boolean() })
  .map(({ n, c, h, w, asNumber }) => ({
    shapes: [[n, c, h.size, w.size]],
    attrs: {
      kernelSize: pairAttr(h.k, w.k, asNumber),
      stride: pairAttr(h.s, w.s, asNumber),
      dilation: pairAttr(h.d, w.d, asNumber),
      padding: pairAttr(h.p, w.p, asNumber),
    } as UnfoldAttrs,
  }));

export const unfoldOp = defineOp({
  name: 'unfold',
  family: 'nn',
  doc: 'im2col (torch F.unfold): out[n, (c·kh + i)·kw + j, l] = x_padded[n, c, oh_l·sh + i·dh, ow_l·sw + j·dw] with l = oh_l·ow + ow_l',
  infer: unfoldInfer,
  // unfold is linear and fold is its adjoint: dX = fold(dOut) with the same window attributes.
  vjp: ({ inputs: [x], dOut, attrs }) => [fold(dOut, { ...attrs, outputSize: [x!.shape[2]!, x!.shape[3]!] })],
  check: { cases, inputs: [F], secondOrder: true },
  cost: movementCost,
});

/**
 * torch.nn.functional.unfold: sliding (kh, kw) blocks of x (N,C,H,W) as columns, (N, C·kh·kw, L)
 * with L = oh·ow blocks in row-major order; zero padding.
 */
export const unfold = (x: Tensor, attrs: UnfoldAttrs): Tensor => apply1(unfoldOp, [x], attrs);
