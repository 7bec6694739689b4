import { allocArray } from '../../engine/dtype.js';
import { hcStreams } from '../../engine/ops/nn/hc-util.js';
import type { RefKernel } from './types.js';

// Per token t and stream i: out[t, i, c] = Σ_j hres[t, i, j] · x[t, j, c] + hpost[t, i] · y[t, c], in float64.
export const hcPostRes: RefKernel<Record<string, never>> = ([hres, x, hpost, y], _attrs, [o]) => {
  const { tokens, n, C } = hcStreams('hc_post_res', x!);
  const out = allocArray(o!.dtype, tokens * n * C);
  const acc = new Float64Array(C);
  for (let t = 0; t < tokens; t++) {
    for (let i = 0; i < n; i++) {
      const p = hpost!.data[t * n + i]!;
      for (let c = 0; c < C; c++) acc[c] = p * y!.data[t * C + c]!;
      for (let j = 0; j < n; j++) {
        const w = hres!.data[(t * n + i) * n + j]!, base = (t * n + j) * C;
        for (let c = 0; c < C; c++) acc[c]! += w * x!.data[base + c]!;
      }
      out.set(acc, (t * n + i) * C);
    }
  }
  return [out];
};
