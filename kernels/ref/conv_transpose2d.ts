import { allocArray } from '../../engine/dtype.js';
import { convTransposeGeom, type ConvTranspose2dAttrs } from '../../engine/ops/nn/conv-util.js';
import { convTransposeLoop } from './conv-util.js';
import type { RefKernel } from './types.js';

// y[n, o, tap(kk, l)] += w[c, o', kk] · x[n, c, l], then + b[o] (see convTransposeLoop).
export const convTranspose2d: RefKernel<ConvTranspose2dAttrs> = ([x, w, b], attrs, [o]) => {
  const geom = convTransposeGeom(b ? [x!, w!, b] : [x!, w!], attrs);
  const acc = new Float64Array(geom.N * geom.O * geom.wins[0]!.size * geom.wins[1]!.size);
  convTransposeLoop(x!.data, w!.data, b?.data, geom, acc);
  const out = allocArray(o!.dtype, acc.length);
  out.set(acc);
  return [out];
};
