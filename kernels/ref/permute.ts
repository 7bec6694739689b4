import { resolvePermutation } from '../../engine/ops/movement/util.js';
import type { PermuteAttrs } from '../../engine/ops/movement/permute.js';
import { stridesOf } from '../../engine/shape.js';
import { affineTable, gatherTables } from './layout-util.js';
import type { RefKernel } from './types.js';

// out[j] = x[Σ_k j_k · stride_x[dims[k]]]
export const permute: RefKernel<PermuteAttrs> = ([x], attrs, [o]) => {
  const dims = resolvePermutation('permute', attrs.dims, x!.shape);
  const st = stridesOf(x!.shape);
  return [gatherTables(x!, o!, dims.map((d) => affineTable(x!.shape[d]!, 0, 1, st[d]!)))];
};
