import { unfoldGeom, type UnfoldAttrs } from '../../engine/ops/nn/conv-util.js';
import { blockTaps } from '../ref/conv-util.js';
import { addon } from './addon.js';
import type { NativeKernel } from './types.js';
import { alloc } from './util.js';

// out[n, c·K + kk, l] = x[n, c, tap(kk, l)] (0 at padding): a gather through the tap table.
export const unfold: NativeKernel<UnfoldAttrs> = ([x], attrs, [o]) => {
  const out = alloc(o!) as Float32Array;
  const { N, C, wins } = unfoldGeom('unfold', x!, attrs);
  const taps = blockTaps(wins);
  addon().tapsGather(x!.data as Float32Array, out, N * C, wins[0]!.size * wins[1]!.size, taps);
  return [out];
};
