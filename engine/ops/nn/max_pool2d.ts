import fc from 'fast-check';
import type { TensorMeta } from '../../backend.js';
import { DISTINCT, fIn } from '../../check.js';
import { zeros } from '../../creation.js';
import { apply } from '../../dispatch.js';
import { defineOp } from '../../op.js';
import { sizeOf } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { bytesOf, requireArity } from '../infer.js';
import { reshape } from '../movement/reshape.js';
import { scatterAdd } from '../movement/scatter_add.js';
import { arbBatch, arbWinCase, pairAttr, poolGeom, type MaxPool2dAttrs, type Win } from './conv-util.js';

export type { MaxPool2dAttrs } from './conv-util.js';

/** Whether some window of the dim reads only padding (its max would be -inf). */
function hasEmptyWindow(w: Win): boolean {
  for (let i = 0; i < w.out; i++) {
    let any = false;
    for (let j = 0; j < w.k; j++) any ||= i * w.s - w.lo + j * w.d >= 0 && i * w.s - w.lo + j * w.d < w.size;
    if (!any) return true;
  }
  return false;
}

/** Cases: stride (default too), padding (<= kernel/2), dilation, ceilMode, odd sizes; no window of only padding. */
const cases = fc
  .record({ n: arbBatch, c: fc.integer({ min: 1, max: 3 }), h: arbWinCase({ halfPad: true }), w: arbWinCase({ halfPad: true }), ceilMode: fc.boolean(), asNumber: fc.boolean(), defaultStride: fc.boolean() })
  .map(({ n, c, h, w, ceilMode, asNumber, defaultStride }) => {
    const attrs: MaxPool2dAttrs = { kernelSize: pairAttr(h.k, w.k, asNumber), padding: pairAttr(h.p, w.p, asNumber), dilation: pairAttr(h.d, w.d, asNumber), ceilMode };
    if (!defaultStride) attrs.stride = pairAttr(h.s, w.s, asNumber);
    return { shapes: [[n, c, h.size, w.size]], attrs };
  })
  .filter(({ shapes, attrs }) => !poolGeom('max_pool2d', { shape: shapes[0]!, dtype: 'float64' }, attrs).wins.some(hasEmptyWindow));

function maxPoolInfer(inputs: readonly TensorMeta[], attrs: MaxPool2dAttrs): TensorMeta[] {
  requireArity('max_pool2d', inputs, 1);
  const x = inputs[0]!;
  const { N, C, wins } = poolGeom('max_pool2d', x, attrs);
  const shape = [N, C, wins[0]!.out, wins[1]!.out];
  return [{ shape, dtype: x.dtype }, { shape, dtype: 'int32' }];
}

export const maxPool2dOp = defineOp({
  name: 'max_pool2d',
  family: 'nn',
  doc: 'torch F.max_pool2d(return_indices=True): [max over each window (padding is -inf), int32 flat index h·W + w of the max in its (n, c) plane]',
  infer: maxPoolInfer,
  // dX = Σ over windows of dOut at the argmax: scatter_add of dOut into the flattened (H·W) planes at the indices.
  vjp: ({ inputs: [x], outputs: [, indices], dOut }) => {
    const [N, C, H, W] = x!.shape as [number, number, number, number];
    const L = dOut.shape[2]! * dOut.shape[3]!;
    const planes = zeros([N, C, H * W], { dtype: dOut.dtype, backend: dOut.backend });
    return [reshape(scatterAdd(planes, reshape(indices!, [N, C, L]), reshape(dOut, [N, C, L]), { axis: 2 }), x!.shape)];
  },
  check: { cases, inputs: [fIn(DISTINCT)], secondOrder: true },
  // One comparison per window element.
  cost: (inputs, outputs, attrs) => {
    const { wins } = poolGeom('max_pool2d', inputs[0]!, attrs);
    return { flops: sizeOf(outputs[0]!.shape) * wins[0]!.k * wins[1]!.k, bytes: bytesOf(inputs) + bytesOf(outputs) };
  },
});

/**
 * torch.nn.functional.max_pool2d with return_indices: [values (N,C,oh,ow), indices int32 into each
 * flattened H·W plane]. stride defaults to kernelSize. The first maximum in window order wins a
 * tie; a NaN propagates (torch's CPU rule: the last NaN of the window is picked).
 * NOTE: a window that reads only padding (possible with dilation) gives -inf and points at the
 * in-range pixel nearest its start (torch leaves that index unspecified).
 */
export const maxPool2dWithIndices = (x: Tensor, attrs: MaxPool2dAttrs): Tensor[] => apply(maxPool2dOp, [x], attrs);

/** torch.nn.functional.max_pool2d: the max of each (dilated) window, (N, C, oh, ow). */
export const maxPool2d = (x: Tensor, attrs: MaxPool2dAttrs): Tensor => maxPool2dWithIndices(x, attrs)[0]!;
