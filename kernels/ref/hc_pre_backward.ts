import { allocArray } from '../../engine/dtype.js';
import { hcStreams } from '../../engine/ops/nn/hc-util.js';
import type { RefKernel } from './types.js';

// Per token t, in float64: dh[t, j] = Σ_c dOut[t, c] · x[t, j, c], dx[t, j, c] = h[t, j] · dOut[t, c].
export const hcPreBackward: RefKernel<Record<string, never>> = ([h, x, dOut], _attrs, [oh, ox]) => {
  const { tokens, n, C } = hcStreams('hc_pre_backward', x!);
  const dh = allocArray(oh!.dtype, tokens * n), dx = allocArray(ox!.dtype, tokens * n * C);
  for (let t = 0; t < tokens; t++) {
    for (let j = 0; j < n; j++) {
      const w = h!.data[t * n + j]!, base = (t * n + j) * C;
      let acc = 0;
      for (let c = 0; c < C; c++) {
        const d = dOut!.data[t * C + c]!;
        acc += d * x!.data[base + c]!;
        dx[base + c] = w * d;
      }
      dh[t * n + j] = acc;
    }
  }
  return [dh, dx];
};
