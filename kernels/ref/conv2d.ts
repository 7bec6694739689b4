import { allocArray } from '../../engine/dtype.js';
import { convGeom } from '../../engine/ops/nn/conv-util.js';
import type { Conv2dAttrs } from '../../engine/ops/nn/conv2d.js';
import { sizeOf } from '../../engine/shape.js';
import { convLoop } from './conv-util.js';
import type { RefKernel } from './types.js';

// y[n,o,l] = b[o] + Σ_{c, kk} w[o,c,kk] · x[n, c of o's group, tap(kk, l)] (see convLoop).
export const conv2d: RefKernel<Conv2dAttrs> = ([x, w, b], attrs, [o]) => {
  const geom = convGeom('conv2d', b ? [x!, w!, b] : [x!, w!], attrs, 2);
  const out = allocArray(o!.dtype, sizeOf(o!.shape));
  convLoop(x!.data, w!.data, b?.data, geom, out);
  return [out];
};
