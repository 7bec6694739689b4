import { resolveSlice, type SliceAttrs } from '../../engine/ops/movement/util.js';
import { stridesOf } from '../../engine/shape.js';
import { affineTable, tableOffsets } from './layout-util.js';
import type { RefKernel } from './types.js';
import { copyAs } from './util.js';

// out = x; out[Σ_k (start_k + j_k · step_k) · stride_k] = src[j]
export const sliceScatter: RefKernel<SliceAttrs> = ([x, src], attrs, [o]) => {
  const st = stridesOf(x!.shape);
  const plan = resolveSlice('slice_scatter', x!.shape, attrs);
  const offs = tableOffsets(src!.shape, plan.map((p, k) => affineTable(p.size, p.start, p.step, st[k]!)));
  const out = copyAs(x!, o!);
  for (let i = 0; i < offs.length; i++) out[offs[i]!] = src!.data[i]!;
  return [out];
};
