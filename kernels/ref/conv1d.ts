import { allocArray } from '../../engine/dtype.js';
import type { Conv1dAttrs } from '../../engine/ops/nn/conv1d.js';
import { convGeom, unitWin } from '../../engine/ops/nn/conv-util.js';
import { sizeOf } from '../../engine/shape.js';
import { convLoop } from './conv-util.js';
import type { RefKernel } from './types.js';

// The conv2d loop on (N, C, 1, L): a height-1 image with a height-1 kernel.
export const conv1d: RefKernel<Conv1dAttrs> = ([x, w, b], attrs, [o]) => {
  const geom = convGeom('conv1d', b ? [x!, w!, b] : [x!, w!], attrs, 1);
  const out = allocArray(o!.dtype, sizeOf(o!.shape));
  convLoop(x!.data, w!.data, b?.data, { ...geom, wins: [unitWin, geom.wins[0]!] }, out);
  return [out];
};
