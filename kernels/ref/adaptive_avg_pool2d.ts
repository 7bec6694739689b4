import { allocArray } from '../../engine/dtype.js';
import { adaptiveGeom, type AdaptiveAvgPool2dAttrs } from '../../engine/ops/nn/resample-util.js';
import { sizeOf } from '../../engine/shape.js';
import { applyTaps } from './conv-util.js';
import type { RefKernel } from './types.js';

// y[p, i, j] = Σ_{a ∈ rows(i), b ∈ cols(j)} x[p, a, b] / (|rows(i)| · |cols(j)|).
export const adaptiveAvgPool2d: RefKernel<AdaptiveAvgPool2dAttrs> = ([x], attrs, [o]) => {
  const { taps } = adaptiveGeom(x!, attrs);
  const [N, C, H, W] = x!.shape as [number, number, number, number];
  const out = allocArray(o!.dtype, sizeOf(o!.shape));
  applyTaps(x!.data, N * C, H, W, taps[0], taps[1], out);
  return [out];
};
