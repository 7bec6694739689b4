import { allocArray } from '../../engine/dtype.js';
import { ValueError, fmtShape } from '../../engine/errors.js';
import type { EmbeddingAttrs } from '../../engine/ops/nn/embedding.js';
import type { RefKernel } from './types.js';

// out[i, :] = weight[indices[i], :] for every flat position i of indices.
export const embedding: RefKernel<EmbeddingAttrs> = ([indices, weight], _attrs, [o]) => {
  const [v, d] = weight!.shape as [number, number];
  const n = indices!.data.length;
  const out = allocArray(o!.dtype, n * d);
  for (let i = 0; i < n; i++) {
    const k = indices!.data[i]!;
    if (!(k >= 0 && k < v)) throw new ValueError('embedding', `indices value ${k} is out of range [0, ${v}) for weight ${fmtShape(weight!.shape)}`);
    for (let j = 0; j < d; j++) out[i * d + j] = weight!.data[k * d + j]!;
  }
  return [out];
};
