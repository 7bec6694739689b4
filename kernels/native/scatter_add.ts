import type { ScatterAddAttrs } from '../../engine/ops/movement/scatter_add.js';
import { normalizeAxis, stridesOf } from '../../engine/shape.js';
import { checkIndex } from '../ref/gather.js';
import { addon } from './addon.js';
import type { NativeKernel } from './types.js';
import { atLeast1, copyKernel, i32 } from './util.js';

// out = x; out[p with coordinate axis = index[p]] += src[p], accumulated in double (serial).
export const scatterAdd: NativeKernel<ScatterAddAttrs> = ([x, index, src], attrs, outs) => {
  const out = copyKernel([x!], attrs, outs)[0]!;
  const xShape = atLeast1(x!.shape), iShape = atLeast1(index!.shape);
  const axis = normalizeAxis('scatter_add', 'axis', attrs.axis, x!.shape.length);
  const st = stridesOf(xShape);
  const outStrides = xShape.map((_, k) => (k === axis ? 0 : st[k]!));
  const idx = index!.data as Int32Array;
  const bad = addon().scatterAdd(idx, src!.data, out, i32(iShape), i32(outStrides), i32(stridesOf(atLeast1(src!.shape))), st[axis]!, xShape[axis]!);
  if (bad >= 0) checkIndex('scatter_add', idx[bad]!, xShape[axis]!, axis, 'x', x!.shape);
  return [out];
};
