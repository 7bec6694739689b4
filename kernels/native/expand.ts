import { broadcastStrides, stridesOf } from '../../engine/shape.js';
import { affineTable } from '../ref/layout-util.js';
import type { NativeKernel } from './types.js';
import { alloc, copyTables } from './util.js';

// Broadcast copy: stride 0 along expanded dims.
export const expand: NativeKernel<unknown> = ([x], _attrs, [o]) => {
  const out = alloc(o!);
  const st = broadcastStrides(x!.shape, o!.shape);
  copyTables(x!.data, out, o!.shape, o!.shape.map((d, k) => affineTable(d, 0, 1, st[k]!)), stridesOf(o!.shape));
  return [out];
};
