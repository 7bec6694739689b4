import { ValueError, fmtShape } from '../../engine/errors.js';
import type { OneHotAttrs } from '../../engine/ops/movement/one_hot.js';
import { addon } from './addon.js';
import type { NativeKernel } from './types.js';
import { alloc } from './util.js';

// out[i, c] = index[i] == c (in the output dtype); an index outside [0, C) raises ref's ValueError.
export const oneHot: NativeKernel<OneHotAttrs> = ([index], attrs, [o]) => {
  const out = alloc(o!);
  const c = attrs.numClasses;
  const idx = index!.data as Int32Array;
  const bad = addon().oneHot(idx, out, c);
  if (bad >= 0) throw new ValueError('one_hot', `index value ${idx[bad]} in index ${fmtShape(index!.shape)} is out of range [0, ${c}) for numClasses ${c}`);
  return [out];
};
