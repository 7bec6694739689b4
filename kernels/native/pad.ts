import { resolvePads, type PadAttrs } from '../../engine/ops/movement/util.js';
import { stridesOf } from '../../engine/shape.js';
import type { NativeKernel } from './types.js';
import { alloc, copyTables } from './util.js';

/** Input index of output position j along an axis of size n padded by `left`; -1 = fill (as kernels/ref/pad.ts). */
function sourceIndex(j: number, n: number, left: number, reflect: boolean): number {
  let p = j - left;
  if (reflect) p = p < 0 ? -p : p >= n ? 2 * (n - 1) - p : p;
  return p >= 0 && p < n ? p : -1;
}

// Constant or reflect padding (negative pads crop): one table per dim, -1 where the fill goes.
export const pad: NativeKernel<PadAttrs> = ([x], attrs, [o]) => {
  const out = alloc(o!);
  const lr = resolvePads('pad', x!.shape, attrs);
  const reflect = attrs.mode === 'reflect';
  const st = stridesOf(x!.shape);
  const tables = o!.shape.map((len, k) => {
    const t = new Int32Array(len);
    for (let j = 0; j < len; j++) {
      const p = sourceIndex(j, x!.shape[k]!, lr[k]![0], reflect);
      t[j] = p < 0 ? -1 : p * st[k]!;
    }
    return t;
  });
  copyTables(x!.data, out, o!.shape, tables, stridesOf(o!.shape), 0, attrs.value ?? 0);
  return [out];
};
