import { allocArray } from '../../engine/dtype.js';
import { causalAllows, sdpaDims, sdpaScale, type SdpaAttrs } from '../../engine/ops/nn/attention-util.js';
import type { RefKernel } from './types.js';
import { broadcastOffsets } from './util.js';

// Fused attention, one query row at a time (float64):
//   s_j = scale·<q_i, k_j> + bias_ij over the kept keys j (attnMask ∧ ¬keyPaddingMask ∧ causal),
//   p_j = exp(s_j − max s) / Σ exp(s − max s),   o_i = Σ_j p_j v_j.
// Query head h reads kv head floor(h / (H / Hkv)). A row with no kept finite score (max is -inf)
// is 0, as torch's _safe_softmax gives; NaN scores propagate.
export const scaledDotProductAttention: RefKernel<SdpaAttrs> = (inputs, attrs, [o]) => {
  const [q, k, v, bias, mask, pad] = inputs;
  const { B, H, Hkv, Tq, Tk, D, Dv } = sdpaDims(inputs);
  const scale = sdpaScale(attrs, D), G = H / Hkv, causal = attrs.causal ?? false;
  const [biasAt, maskAt] = broadcastOffsets([B, H, Tq, Tk], [bias!.shape, mask!.shape]) as [Int32Array, Int32Array];
  const [padAt] = broadcastOffsets([B, Tk], [pad!.shape]) as [Int32Array];
  const out = allocArray(o!.dtype, B * H * Tq * Dv);
  const s = new Float64Array(Tk), kept = new Uint8Array(Tk), acc = new Float64Array(Dv);

  /** Scores of query row `qRow` (batch b, position i) against the keys from kv row `kv0`; returns their max. */
  const scores = (b: number, i: number, qRow: number, kv0: number): number => {
    let m = -Infinity;
    for (let j = 0; j < Tk; j++) {
      const at = qRow * Tk + j;
      kept[j] = mask!.data[maskAt[at]!] && !pad!.data[padAt[b * Tk + j]!] && (!causal || causalAllows(i, j, Tq, Tk)) ? 1 : 0;
      if (!kept[j]) continue;
      let dot = 0;
      for (let c = 0; c < D; c++) dot += q!.data[qRow * D + c]! * k!.data[(kv0 + j) * D + c]!;
      s[j] = scale * dot + bias!.data[biasAt[at]!]!;
      m = s[j]! > m || Number.isNaN(s[j]!) ? s[j]! : m;
    }
    return m;
  };

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
