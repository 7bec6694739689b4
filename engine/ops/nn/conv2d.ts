import fc from 'fast-check';
import type { TensorMeta } from '../../backend.js';
import { F } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { defineOp } from '../../op.js';
import type { Tensor } from '../../tensor.js';
import { convAsOps, convGrads, needGrads } from './conv-grad.js';
import { arbBatch, arbGroupWidth, arbWinCase, convCost, convDimCase, convGeom, pairAttr, type ConvPadMode, type IntPair } from './conv-util.js';

export type { IntPair } from './conv-util.js';

export interface Conv2dAttrs {
  stride?: IntPair;
  /** Zero padding of both sides; 'valid' = 0; 'same' keeps H, W (stride 1; an odd total puts the extra row/col after). */
  padding?: IntPair | 'same' | 'valid';
  dilation?: IntPair;
  /** Channels split into groups convolved separately; groups = C is depthwise. */
  groups?: number;
}

/** Cases (channels and sizes grow under the parity profile): groups 1-3 (depthwise when C/G = 1), stride, dilation, padding (number, pair, same, valid), bias or not. */
export const conv2dCases = fc
  .record({
    n: arbBatch, g: fc.constantFrom(1, 1, 2, 3), cg: arbGroupWidth(), og: arbGroupWidth(),
    h: arbWinCase({ grow: true }), w: arbWinCase({ grow: true }), mode: fc.constantFrom<ConvPadMode>('number', 'number', 'same', 'valid'), bias: fc.boolean(), asNumber: fc.boolean(),
  })
  .map(({ n, g, cg, og, h: h0, w: w0, mode, bias, asNumber }) => {
    const [h, w] = [convDimCase(h0, mode), convDimCase(w0, mode)];
    const attrs: Conv2dAttrs = { stride: pairAttr(h.s, w.s, asNumber), dilation: pairAttr(h.d, w.d, asNumber), groups: g };
    attrs.padding = mode === 'number' ? pairAttr(h.p, w.p, asNumber) : mode;
    const shapes = [[n, g * cg, h.size, w.size], [g * og, cg, h.k, w.k], ...(bias ? [[g * og]] : [])];
    return { shapes, attrs };
  });

export const conv2dOp = defineOp({
  name: 'conv2d',
  family: 'nn',
  doc: 'torch F.conv2d: y[n,o,i,j] = b[o] + Σ_{c∈group(o), p, q} w[o,c,p,q] · x_pad[n, c, i·sh + p·dh, j·sw + q·dw]',
  infer: (inputs: readonly TensorMeta[], attrs: Conv2dAttrs) => {
    const { N, O, wins, dtype } = convGeom('conv2d', inputs, attrs, 2);
    return [{ shape: [N, O, wins[0]!.out, wins[1]!.out], dtype }];
  },
  // cols = im2col(x): dX = col2im(W_gᵀ dOut_g), dW_g = Σ_n dOut_g cols_gᵀ, db = Σ_{n,i,j} dOut (see conv-grad.ts).
  vjp: ({ inputs, dOut, attrs }) => convGrads(inputs[0]!, inputs[1]!, dOut, attrs.groups ?? 1, convGeom('conv2d', inputs, attrs, 2).wins, needGrads(inputs)),
  decompose: ([x, w, b], attrs) => [convAsOps(x!, w!, b, attrs.groups ?? 1, convGeom('conv2d', [x!, w!], attrs, 2).wins)],
  check: { cases: conv2dCases, inputs: [F, F, F], secondOrder: true },
  cost: (inputs, outputs, attrs) => convCost(convGeom('conv2d', inputs, attrs, 2), inputs, outputs),
});

/**
 * torch.nn.functional.conv2d(x (N,C,H,W), weight (O,C/groups,kh,kw), bias (O) | null): (N,O,oh,ow),
 * oh = floor((H + 2·ph - dh·(kh-1) - 1) / sh) + 1.
 */
export function conv2d(x: Tensor, weight: Tensor, bias: Tensor | null = null, attrs: Conv2dAttrs = {}): Tensor {
  return apply1(conv2dOp, bias ? [x, weight, bias] : [x, weight], attrs);
}
