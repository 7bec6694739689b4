import { allocArray } from '../../engine/dtype.js';
import { hcStreams } from '../../engine/ops/nn/hc-util.js';
import type { RefKernel } from './types.js';

// Per token t, in float64 (dOut, x: (n, C) rows; hres: (n, n)):
//   dhres[i, j] = Σ_c dOut[i, c] · x[j, c]      dhpost[i] = Σ_c dOut[i, c] · y[c]
//   dx[j, c]    = Σ_i hres[i, j] · dOut[i, c]   dy[c]     = Σ_i hpost[i] · dOut[i, c]
export const hcPostResBackward: RefKernel<Record<string, never>> = ([hres, x, hpost, y, dOut], _attrs, [oR, oX, oP, oY]) => {
  const { tokens, n, C } = hcStreams('hc_post_res_backward', x!);
  const dhres = allocArray(oR!.dtype, tokens * n * n), dx = allocArray(oX!.dtype, tokens * n * C);
  const dhpost = allocArray(oP!.dtype, tokens * n), dy = allocArray(oY!.dtype, tokens * C);
  const D = dOut!.data, X = x!.data, Y = y!.data;
  const acc = new Float64Array(C);
  for (let t = 0; t < tokens; t++) {
    const rows = t * n * C;
    for (let i = 0; i < n; i++) {
      let p = 0;
      for (let c = 0; c < C; c++) p += D[rows + i * C + c]! * Y[t * C + c]!;
      dhpost[t * n + i] = p;
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let c = 0; c < C; c++) s += D[rows + i * C + c]! * X[rows + j * C + c]!;
        dhres[(t * n + i) * n + j] = s;
      }
    }
    for (let j = 0; j < n; j++) {
      acc.fill(0);
      for (let i = 0; i < n; i++) {
        const w = hres!.data[(t * n + i) * n + j]!;
        for (let c = 0; c < C; c++) acc[c]! += w * D[rows + i * C + c]!;
      }
      dx.set(acc, rows + j * C);
    }
    acc.fill(0);
    for (let i = 0; i < n; i++) {
      const w = hpost!.data[t * n + i]!;
      for (let c = 0; c < C; c++) acc[c]! += w * D[rows + i * C + c]!;
    }
    dy.set(acc, t * C);
  }
  return [dhres, dx, dhpost, dy];
};
