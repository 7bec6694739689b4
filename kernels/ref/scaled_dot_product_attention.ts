import { allocArray } from '../../engine/dtype.js';
import type { SdpaAttrs } from '../../engine/ops/nn/attention-util.js';
import { sdpaRows } from './attention-util.js';
import type { RefKernel } from './types.js';

// Fused attention, one query row at a time (float64):
//   s_j = scale·<q_i, k_j> + bias_ij over the kept keys j (attnMask ∧ ¬keyPaddingMask ∧ causal),
//   p_j = exp(s_j − max s) / Σ exp(s − max s),   o_i = Σ_j p_j v_j.
// Query head h reads kv head floor(h / (H / Hkv)). A row with no kept finite score (max is -inf)
// is 0, as torch's _safe_softmax gives; NaN scores propagate.
export const scaledDotProductAttention: RefKernel<SdpaAttrs> = (inputs, attrs, [o]) => {
  const v = inputs[2]!;
  const { B, H, Hkv, Tq, Tk, Dv, G, s, kept, scores } = sdpaRows(inputs, attrs);
  const out = allocArray(o!.dtype, B * H * Tq * Dv);
  const acc = new Float64Array(Dv);

  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const kv0 = (b * Hkv + Math.floor(h / G)) * Tk;
      for (let i = 0; i < Tq; i++) {
        const qRow = (b * H + h) * Tq + i, m = scores(b, i, qRow, kv0);
        acc.fill(0);
        if (m !== -Infinity) {
          let z = 0;
          for (let j = 0; j < Tk; j++) {
            if (!kept[j]) continue;
            const e = Math.exp(s[j]! - m);
            z += e;
            for (let c = 0; c < Dv; c++) acc[c]! += e * v!.data[(kv0 + j) * Dv + c]!;
          }
          for (let c = 0; c < Dv; c++) acc[c]! /= z;
        }
        out.set(acc, qRow * Dv);
      }
    }
  }
  return [out];
};
