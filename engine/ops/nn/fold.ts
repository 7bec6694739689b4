import fc from 'fast-check';
import type { TensorMeta } from '../../backend.js';
import { F } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { defineOp } from '../../op.js';
import type { Tensor } from '../../tensor.js';
import { bytesOf, requireArity, requireFloat } from '../infer.js';
import { arbBatch, arbWinCase, foldGeom, pairAttr, type FoldAttrs } from './conv-util.js';
import { unfold } from './unfold.js';

export type { FoldAttrs } from './conv-util.js';

function foldInfer(inputs: readonly TensorMeta[], attrs: FoldAttrs): TensorMeta[] {
  requireArity('fold', inputs, 1);
  requireFloat('fold', 'cols', inputs[0]!);
  const { N, C, wins } = foldGeom('fold', inputs[0]!, attrs);
  return [{ shape: [N, C, wins[0]!.size, wins[1]!.size], dtype: inputs[0]!.dtype }];
}

/** Cases: the blocks of a valid unfold geometry (stride, dilation, padding; number and pair forms). */
const cases = fc
  .record({ n: arbBatch, c: fc.integer({ min: 1, max: 3 }), h: arbWinCase(), w: arbWinCase(), asNumber: fc.boolean() })
  .map(({ n, c, h, w, asNumber }) => {
    const blocks = (x: typeof h) => Math.floor((x.size + 2 * x.p - x.d * (x.k - 1) - 1) / x.s) + 1;
    return {
      shapes: [[n, c * h.k * w.k, blocks(h) * blocks(w)]],
      attrs: {
        outputSize: pairAttr(h.size, w.size, asNumber),
        kernelSize: pairAttr(h.k, w.k, asNumber),
        stride: pairAttr(h.s, w.s, asNumber),
        dilation: pairAttr(h.d, w.d, asNumber),
        padding: pairAttr(h.p, w.p, asNumber),
      } as FoldAttrs,
    };
  });

export const foldOp = defineOp({
  name: 'fold',
  family: 'nn',
  doc: 'col2im (torch F.fold): sums each column block of cols (N, C·kh·kw, L) back into its window of (N, C, H, W); the adjoint of unfold',
  infer: foldInfer,
  // fold is linear and unfold is its adjoint: dCols = unfold(dOut) with the same window attributes.
  vjp: ({ dOut, attrs }) => [unfold(dOut, attrs)],
  check: { cases, inputs: [F], secondOrder: true },
  // One add per column entry.
  cost: (inputs, outputs) => ({ flops: inputs[0]!.shape.reduce((a, b) => a * b, 1), bytes: bytesOf(inputs) + bytesOf(outputs) }),
});

/** torch.nn.functional.fold: (N, C·kh·kw, L) → (N, C, outputSize), overlapping values summed. */
export const fold = (cols: Tensor, attrs: FoldAttrs): Tensor => apply1(foldOp, [cols], attrs);
