import { foldGeom, type FoldAttrs } from '../../engine/ops/nn/conv-util.js';
import { blockTaps } from '../ref/conv-util.js';
import { addon } from './addon.js';
import type { NativeKernel } from './types.js';
import { alloc } from './util.js';

// out[n, c, tap(kk, l)] += cols[n, c·K + kk, l]: the adjoint of unfold, accumulated in double.
export const fold: NativeKernel<FoldAttrs> = ([cols], attrs, [o]) => {
  const out = alloc(o!) as Float32Array;
  const { N, C, wins } = foldGeom('fold', cols!, attrs);
  addon().tapsScatter(cols!.data as Float32Array, out, N * C, wins[0]!.size * wins[1]!.size, blockTaps(wins));
  return [out];
};
