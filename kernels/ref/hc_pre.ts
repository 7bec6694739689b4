import { allocArray } from '../../engine/dtype.js';
import { hcStreams } from '../../engine/ops/nn/hc-util.js';
import type { RefKernel } from './types.js';

// Per token t: u[t, c] = Σ_j h[t, j] · x[t, j, c], accumulated in float64.
export const hcPre: RefKernel<Record<string, never>> = ([h, x], _attrs, [o]) => {
  const { tokens, n, C } = hcStreams('hc_pre', x!);
  const out = allocArray(o!.dtype, tokens * C);
  const acc = new Float64Array(C);
  for (let t = 0; t < tokens; t++) {
    acc.fill(0);
    for (let j = 0; j < n; j++) {
      const w = h!.data[t * n + j]!, base = (t * n + j) * C;
      for (let c = 0; c < C; c++) acc[c]! += w * x!.data[base + c]!;
    }
    out.set(acc, t * C);
  }
  return [out];
};
