import type { TransposeAttrs } from '../../engine/ops/movement/transpose.js';
import { normalizeAxis, stridesOf } from '../../engine/shape.js';
import { affineTable } from '../ref/layout-util.js';
import type { NativeKernel } from './types.js';
import { alloc, copyTables } from './util.js';

// Swap of two dims: the generic copy with the two tables exchanged.
export const transpose: NativeKernel<TransposeAttrs> = ([x], attrs, [o]) => {
  const out = alloc(o!);
  const r = x!.shape.length;
  const a = normalizeAxis('transpose', 'dim0', attrs.dim0, r);
  const b = normalizeAxis('transpose', 'dim1', attrs.dim1, r);
  const st = stridesOf(x!.shape);
  const src = (k: number) => (k === a ? b : k === b ? a : k);
  copyTables(x!.data, out, o!.shape, o!.shape.map((d, k) => affineTable(d, 0, 1, st[src(k)]!)), stridesOf(o!.shape));
  return [out];
};
