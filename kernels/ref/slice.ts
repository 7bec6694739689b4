import { resolveSlice, type SliceAttrs } from '../../engine/ops/movement/util.js';
import { stridesOf } from '../../engine/shape.js';
import { affineTable, gatherTables } from './layout-util.js';
import type { RefKernel } from './types.js';

// out[j] = x[Σ_k (start_k + j_k · step_k) · stride_k]
export const slice: RefKernel<SliceAttrs> = ([x], attrs, [o]) => {
  const st = stridesOf(x!.shape);
  const plan = resolveSlice('slice', x!.shape, attrs);
  return [gatherTables(x!, o!, plan.map((p, k) => affineTable(p.size, p.start, p.step, st[k]!)))];
};
