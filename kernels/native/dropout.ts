import type { DropoutAttrs } from '../../engine/ops/nn/dropout.js';
import { addon } from './addon.js';
import type { NativeKernel } from './types.js';
import { alloc } from './util.js';

// y_i = u_i >= p ? x_i/(1 - p) : 0 with u_i from the same Philox words as ref (native/src/dropout.cc).
export const dropout: NativeKernel<DropoutAttrs> = ([x], { p, seed, offset }, [o]) => {
  const out = alloc(o!) as Float32Array;
  addon().dropout(x!.data as Float32Array, out, p, seed, offset);
  return [out];
};
