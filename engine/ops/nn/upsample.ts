import fc from 'fast-check';
import { arbDim } from '../../arb.js';
import type { TensorMeta } from '../../backend.js';
import { F } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { defineOp } from '../../op.js';
import type { Tensor } from '../../tensor.js';
import { bytesOf, requireArity } from '../infer.js';
import { separable, separableGrad, tapMatrices } from './conv-grad.js';
import { arbBatch } from './conv-util.js';
import { upsampleGeom, type UpsampleAttrs } from './resample-util.js';

export type { UpsampleAttrs, UpsampleMode } from './resample-util.js';

/** Cases: both modes, alignCorners both ways, size (up, down, equal) or scaleFactor (fractional, per dim). */
const cases = fc
  .record({
    n: arbBatch, c: fc.integer({ min: 1, max: 2 }), h: arbDim(5), w: arbDim(5),
    mode: fc.constantFrom('nearest' as const, 'bilinear' as const), alignCorners: fc.option(fc.boolean(), { nil: undefined }),
    bySize: fc.boolean(), oh: fc.integer({ min: 1, max: 8 }), ow: fc.integer({ min: 1, max: 8 }),
    sf: fc.oneof(fc.constantFrom(0.5, 1.5, 2, 3), fc.tuple(fc.constantFrom(1, 1.7, 2), fc.constantFrom(0.75, 2.5, 3))),
  })
  .map(({ n, c, h, w, mode, alignCorners, bySize, oh, ow, sf }) => {
    const scaleFactor = typeof sf === 'number' ? sf : ([sf[0], sf[1]] as const);
    // scaleFactor must leave at least one pixel: floor(size · factor) >= 1.
    const sizes = typeof sf === 'number' ? [sf, sf] : sf;
    const fits = [h, w].every((d, i) => Math.floor(d * sizes[i]!) >= 1);
    const attrs: UpsampleAttrs = { mode, ...(bySize || !fits ? { size: [oh, ow] as const } : { scaleFactor }) };
    if (mode === 'bilinear' && alignCorners !== undefined) attrs.alignCorners = alignCorners;
    return { shapes: [[n, c, h, w]], attrs };
  });

const tapsOf = (x: Tensor, attrs: UpsampleAttrs, like: Tensor) => tapMatrices(upsampleGeom('upsample', x, attrs).taps, x.shape.slice(2), like);

export const upsampleOp = defineOp({
  name: 'upsample',
  family: 'nn',
  doc: 'torch F.interpolate (nearest, bilinear) of (N,C,H,W) to size or floor(size·scaleFactor); separable: y = A_h x A_wᵀ',
  infer: (inputs: readonly TensorMeta[], attrs: UpsampleAttrs) => {
    requireArity('upsample', inputs, 1);
    const { size } = upsampleGeom('upsample', inputs[0]!, attrs);
    return [{ shape: [inputs[0]!.shape[0]!, inputs[0]!.shape[1]!, ...size], dtype: inputs[0]!.dtype }];
  },
  // y = A_h x A_wᵀ with constant interpolation matrices: dX = A_hᵀ dOut A_w.
  vjp: ({ inputs: [x], dOut, attrs }) => [separableGrad(dOut, ...tapsOf(x!, attrs, dOut))],
  decompose: ([x], attrs) => [separable(x!, ...tapsOf(x!, attrs, x!))],
  check: { cases, inputs: [F], secondOrder: true },
  // Two multiply-adds per tap pair (bilinear reads 4 pixels, nearest copies one).
  cost: (inputs, outputs, attrs) => {
    const { taps } = upsampleGeom('upsample', inputs[0]!, attrs);
    const reads = taps.map((t) => t.reduce((a, r) => a + r.idx.length, 0));
    return { flops: 2 * inputs[0]!.shape[0]! * inputs[0]!.shape[1]! * reads[0]! * reads[1]!, bytes: bytesOf(inputs) + bytesOf(outputs) };
  },
});

/**
 * torch.nn.functional.interpolate for 4-D inputs: mode 'nearest' (default; torch's legacy
 * src = floor(dst · in/out) rule, not 'nearest-exact') or 'bilinear' (alignCorners false by default).
 * Give exactly one of size and scaleFactor; with scaleFactor the output is floor(in · factor) and
 * the sampling uses 1/factor (torch with recompute_scale_factor unset).
 */
export const upsample = (x: Tensor, attrs: UpsampleAttrs): Tensor => apply1(upsampleOp, [x], attrs);
