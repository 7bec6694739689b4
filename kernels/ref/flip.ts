import type { FlipAttrs } from '../../engine/ops/movement/flip.js';
import { normalizeAxes, stridesOf } from '../../engine/shape.js';
import { affineTable, gatherTables } from './layout-util.js';
import type { RefKernel } from './types.js';

// out[j] = x[Σ_k i_k · stride_k] with i_k = n_k - 1 - j_k on flipped axes, j_k elsewhere.
export const flip: RefKernel<FlipAttrs> = ([x], attrs, [o]) => {
  const axes = normalizeAxes('flip', 'axes', attrs.axes, x!.shape);
  const st = stridesOf(x!.shape);
  const tables = x!.shape.map((n, k) => (axes.includes(k) ? affineTable(n, n - 1, -1, st[k]!) : affineTable(n, 0, 1, st[k]!)));
  return [gatherTables(x!, o!, tables)];
};
