import { ValueError, fmtShape } from '../../engine/errors.js';
import type { EmbeddingAttrs } from '../../engine/ops/nn/embedding.js';
import { addon } from './addon.js';
import type { NativeKernel } from './types.js';
import { alloc } from './util.js';

// out[i, :] = weight[indices[i], :] (row copies); an index outside [0, V) raises ref's ValueError.
export const embedding: NativeKernel<EmbeddingAttrs> = ([indices, weight], _attrs, [o]) => {
  const out = alloc(o!) as Float32Array;
  const [v, d] = weight!.shape as [number, number];
  const idx = indices!.data as Int32Array;
  const bad = addon().embedding(idx, weight!.data as Float32Array, out, v, d);
  if (bad >= 0) throw new ValueError('embedding', `indices value ${idx[bad]} is out of range [0, ${v}) for weight ${fmtShape(weight!.shape)}`);
  return [out];
};
