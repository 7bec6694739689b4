import { resolveSlice, type SliceAttrs } from '../../engine/ops/movement/util.js';
import { stridesOf } from '../../engine/shape.js';
import { affineTable } from '../ref/layout-util.js';
import type { NativeKernel } from './types.js';
import { alloc, copyTables } from './util.js';

// out[j] = x[start + j·step] per dim: affine tables from the resolved slice.
export const slice: NativeKernel<SliceAttrs> = ([x], attrs, [o]) => {
  const out = alloc(o!);
  const st = stridesOf(x!.shape);
  const plan = resolveSlice('slice', x!.shape, attrs);
  copyTables(x!.data, out, o!.shape, plan.map((p, k) => affineTable(p.size, p.start, p.step, st[k]!)), stridesOf(o!.shape));
  return [out];
};
