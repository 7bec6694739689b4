import fc from 'fast-check';
import type { TensorMeta } from '../../backend.js';
import { sizeProfile } from '../../arb.js';
import { F } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { defineOp } from '../../op.js';
import { sizeOf } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { bytesOf } from '../infer.js';
import { convTransposeAsOps, convTransposeGrads, needGrads } from './conv-grad.js';
import { arbBatch, arbGroupWidth, arbWinCase, convTransposeGeom, pairAttr, type ConvTranspose2dAttrs } from './conv-util.js';

export type { ConvTranspose2dAttrs } from './conv-util.js';

/** One dim of a case: stride 1-3, dilation 1-2, padding 0-2, outputPadding < max(stride, dilation), output >= 1. */
const arbDim = fc
  .record({ w: arbWinCase(), extra: fc.integer({ min: 0, max: 3 }), opPick: fc.nat() })
  .map(({ w, extra, opPick }) => {
    const op = opPick % Math.max(w.s, w.d);
    // Hout = (H-1)·s - 2p + d·(k-1) + op + 1 >= 1.
    const hMin = Math.max(1, 1 + Math.ceil((2 * w.p - w.d * (w.k - 1) - op) / w.s));
    return { ...w, op, size: hMin + (sizeProfile() === 'parity' ? [0, 2, 9, 16][extra]! : Math.min(extra, 2)) };
  });

/** Cases (channels and sizes grow under the parity profile): groups 1-3 (depthwise too), stride, padding, outputPadding, dilation, bias or not. */
const cases = fc
  .record({
    n: arbBatch, g: fc.constantFrom(1, 1, 2, 3), cg: arbGroupWidth(), og: arbGroupWidth(),
    h: arbDim, w: arbDim, bias: fc.boolean(), asNumber: fc.boolean(),
  })
  .map(({ n, g, cg, og, h, w, bias, asNumber }) => ({
    shapes: [[n, g * cg, h.size, w.size], [g * cg, og, h.k, w.k], ...(bias ? [[g * og]] : [])],
    attrs: {
      stride: pairAttr(h.s, w.s, asNumber), padding: pairAttr(h.p, w.p, asNumber), outputPadding: pairAttr(h.op, w.op, asNumber),
      dilation: pairAttr(h.d, w.d, asNumber), groups: g,
    } as ConvTranspose2dAttrs,
  }));

export const convTranspose2dOp = defineOp({
  name: 'conv_transpose2d',
  family: 'nn',
  doc: 'torch F.conv_transpose2d: y[n, o, i·sh - ph + p·dh, j·sw - pw + q·dw] += w[c,o,p,q] · x[n,c,i,j] (+ b[o]); the adjoint of conv2d in x',
  infer: (inputs: readonly TensorMeta[], attrs: ConvTranspose2dAttrs) => {
    const { N, O, wins, dtype } = convTransposeGeom(inputs, attrs);
    return [{ shape: [N, O, wins[0]!.size, wins[1]!.size], dtype }];
  },
  // As the adjoint of conv2d, its VJPs are conv2d forms: dCols = im2col(dOut), dX_g = W_g dCols_g, dW_g = Σ_n x_g dCols_gᵀ.
  vjp: ({ inputs, dOut, attrs }) => convTransposeGrads(inputs[0]!, inputs[1]!, dOut, attrs.groups ?? 1, convTransposeGeom(inputs, attrs).wins, needGrads(inputs)),
  decompose: ([x, w, b], attrs) => [convTransposeAsOps(x!, w!, b, attrs.groups ?? 1, convTransposeGeom([x!, w!], attrs).wins)],
  check: { cases, inputs: [F, F, F], secondOrder: true },
  // Same FMA count as the conv2d it is the adjoint of: 2 · |x| · (O/G)·kh·kw, plus the bias adds.
  cost: (inputs, outputs, attrs) => {
    const { O, G, wins } = convTransposeGeom(inputs, attrs);
    const fma = sizeOf(inputs[0]!.shape) * (O / G) * wins[0]!.k * wins[1]!.k;
    return { flops: 2 * fma + (inputs.length === 3 ? sizeOf(outputs[0]!.shape) : 0), bytes: bytesOf(inputs) + bytesOf(outputs) };
  },
});

/**
 * torch.nn.functional.conv_transpose2d(x (N,C,H,W), weight (C,O/groups,kh,kw), bias (O) | null):
 * (N, O, Hout, Wout) with Hout = (H-1)·sh - 2·ph + dh·(kh-1) + outputPadding + 1.
 */
export function convTranspose2d(x: Tensor, weight: Tensor, bias: Tensor | null = null, attrs: ConvTranspose2dAttrs = {}): Tensor {
  return apply1(convTranspose2dOp, bias ? [x, weight, bias] : [x, weight], attrs);
}
