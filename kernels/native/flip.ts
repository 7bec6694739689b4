import type { FlipAttrs } from '../../engine/ops/movement/flip.js';
import { normalizeAxes, stridesOf } from '../../engine/shape.js';
import { affineTable } from '../ref/layout-util.js';
import type { NativeKernel } from './types.js';
import { alloc, copyTables } from './util.js';

// Reversed tables along the flipped axes.
export const flip: NativeKernel<FlipAttrs> = ([x], attrs, [o]) => {
  const out = alloc(o!);
  const axes = normalizeAxes('flip', 'axes', attrs.axes, x!.shape);
  const st = stridesOf(x!.shape);
  const tables = x!.shape.map((n, k) => (axes.includes(k) ? affineTable(n, n - 1, -1, st[k]!) : affineTable(n, 0, 1, st[k]!)));
  copyTables(x!.data, out, o!.shape, tables, stridesOf(o!.shape));
  return [out];
};
