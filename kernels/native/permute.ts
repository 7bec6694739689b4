import type { PermuteAttrs } from '../../engine/ops/movement/permute.js';
import { resolvePermutation } from '../../engine/ops/movement/util.js';
import { stridesOf } from '../../engine/shape.js';
import { affineTable } from '../ref/layout-util.js';
import type { NativeKernel } from './types.js';
import { alloc, copyTables } from './util.js';

// out[j] = x[Σ_k j_k·stride(dims[k])]: the generic copy with one affine table per output dim.
export const permute: NativeKernel<PermuteAttrs> = ([x], attrs, [o]) => {
  const out = alloc(o!);
  const dims = resolvePermutation('permute', attrs.dims, x!.shape);
  const st = stridesOf(x!.shape);
  copyTables(x!.data, out, o!.shape, dims.map((d) => affineTable(x!.shape[d]!, 0, 1, st[d]!)), stridesOf(o!.shape));
  return [out];
};
