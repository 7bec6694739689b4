import { allocArray } from '../../engine/dtype.js';
import type { DropoutAttrs } from '../../engine/ops/nn/dropout.js';
import { U24, philoxWords } from '../../engine/rng.js';
import type { RefKernel } from './types.js';

// keep_i = (u_i >= p), u_i = (word(seed, offset + i) >>> 8) * 2^-24; y_i = keep_i ? x_i / (1 - p) : 0.
export const dropout: RefKernel<DropoutAttrs> = ([x], { p, seed, offset }, [o]) => {
  const n = x!.data.length;
  const words = new Uint32Array(n);
  philoxWords(seed, offset, words);
  const out = allocArray(o!.dtype, n);
  const scale = 1 / (1 - p);
  for (let i = 0; i < n; i++) out[i] = (words[i]! >>> 8) * U24 >= p ? x!.data[i]! * scale : 0;
  return [out];
};
