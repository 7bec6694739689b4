import type { SplitAttrs } from '../../engine/ops/movement/split.js';
import { normalizeAxis, stridesOf } from '../../engine/shape.js';
import { affineTable } from '../ref/layout-util.js';
import type { NativeKernel } from './types.js';
import { alloc, copyTables } from './util.js';

// Each output reads its block of x along the axis (tables offset by the block's start).
export const split: NativeKernel<SplitAttrs> = ([x], attrs, outs) => {
  const axis = normalizeAxis('split', 'axis', attrs.axis ?? 0, x!.shape.length);
  const st = stridesOf(x!.shape);
  let at = 0;
  return outs.map((o) => {
    const out = alloc(o);
    const tables = o.shape.map((d, k) => affineTable(d, k === axis ? at : 0, 1, st[k]!));
    copyTables(x!.data, out, o.shape, tables, stridesOf(o.shape));
    at += o.shape[axis]!;
    return out;
  });
};
