import type { TransposeAttrs } from '../../engine/ops/movement/transpose.js';
import { normalizeAxis, stridesOf } from '../../engine/shape.js';
import { affineTable, gatherTables } from './layout-util.js';
import type { RefKernel } from './types.js';

// out[j] = x[Σ_k j_k · stride_x[σ(k)]], σ the swap of dim0 and dim1.
export const transpose: RefKernel<TransposeAttrs> = ([x], attrs, [o]) => {
  const r = x!.shape.length;
  const a = normalizeAxis('transpose', 'dim0', attrs.dim0, r);
  const b = normalizeAxis('transpose', 'dim1', attrs.dim1, r);
  const st = stridesOf(x!.shape);
  const src = (k: number) => (k === a ? b : k === b ? a : k);
  return [gatherTables(x!, o!, o!.shape.map((d, k) => affineTable(d, 0, 1, st[src(k)]!)))];
};
