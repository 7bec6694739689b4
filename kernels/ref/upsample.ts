import { allocArray } from '../../engine/dtype.js';
import { upsampleGeom, type UpsampleAttrs } from '../../engine/ops/nn/resample-util.js';
import { sizeOf } from '../../engine/shape.js';
import { applyTaps } from './conv-util.js';
import type { RefKernel } from './types.js';

// y[p, i, j] = Σ_{a, b} th[i](a) · tw[j](b) · x[p, a, b]: one tap per dim (nearest) or two (bilinear).
export const upsample: RefKernel<UpsampleAttrs> = ([x], attrs, [o]) => {
  const { taps } = upsampleGeom('upsample', x!, attrs);
  const [N, C, H, W] = x!.shape as [number, number, number, number];
  const out = allocArray(o!.dtype, sizeOf(o!.shape));
  applyTaps(x!.data, N * C, H, W, taps[0], taps[1], out);
  return [out];
};
