import { resolvePads, type PadAttrs } from '../../engine/ops/movement/util.js';
import { stridesOf } from '../../engine/shape.js';
import { gatherTables } from './layout-util.js';
import type { RefKernel } from './types.js';

/** Input index of output position j along an axis of size n padded by `left`; -1 = fill. */
function sourceIndex(j: number, n: number, left: number, reflect: boolean): number {
  let p = j - left;
  if (reflect) p = p < 0 ? -p : p >= n ? 2 * (n - 1) - p : p;
  return p >= 0 && p < n ? p : -1;
}

// out[j] = x[Σ_k src_k(j_k) · stride_k], or value where some src_k is outside x (constant mode).
export const pad: RefKernel<PadAttrs> = ([x], attrs, [o]) => {
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
  return [gatherTables(x!, o!, tables, attrs.value ?? 0)];
};
