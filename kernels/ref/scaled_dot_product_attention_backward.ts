import { allocArray } from '../../engine/dtype.js';
import { sdpaBiasKeyConstant, type SdpaAttrs } from '../../engine/ops/nn/attention-util.js';
import { sdpaRows } from './attention-util.js';
import type { RefKernel } from './types.js';

// Attention backward, one query row at a time (float64), P recomputed as in the forward kernel:
//   p_j = softmax_j(scale·<q_i, k_j> + bias_ij) over the kept keys (0 elsewhere and in dead rows),
//   dP_j = <dO_i, v_j>,  D = Σ_j p_j dP_j,  dS_j = p_j (dP_j − D),
//   dq_i = scale Σ_j dS_j k_j,  dk_j += scale dS_j q_i,  dv_j += p_j dO_i,  dBias += dS (unbroadcast).
// Query head h reads (and its gradients add into) kv head floor(h / (H / Hkv)).
// NOTE: a bias constant along the keys gets 0·dS (exactly 0, NaN in NaN rows): sdpaBiasKeyConstant.
export const scaledDotProductAttentionBackward: RefKernel<SdpaAttrs> = (inputs, attrs, outs) => {
  const [q, k, v, bias, , , dOut] = inputs;
  const { B, H, Hkv, Tq, Tk, D, Dv, scale, G, biasAt, s: p, kept, scores } = sdpaRows(inputs, attrs);
  const dq = new Float64Array(q!.data.length), dk = new Float64Array(k!.data.length);
  const dv = new Float64Array(v!.data.length), dBias = new Float64Array(bias!.data.length);
  const dBiasWeight = sdpaBiasKeyConstant(bias!.shape) ? 0 : 1;

  /** p of query row `qRow` (batch b, position i) against kv rows from `kv0`, in place of its scores; false for a dead row. */
  const probs = (b: number, i: number, qRow: number, kv0: number): boolean => {
    const m = scores(b, i, qRow, kv0);
    if (m === -Infinity) return false;
    let z = 0;
    for (let j = 0; j < Tk; j++) z += kept[j] ? (p[j] = Math.exp(p[j]! - m)) : (p[j] = 0);
    for (let j = 0; j < Tk; j++) p[j]! /= z;
    return true;
  };

  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const kv0 = (b * Hkv + Math.floor(h / G)) * Tk;
      for (let i = 0; i < Tq; i++) {
        const qRow = (b * H + h) * Tq + i;
        if (!probs(b, i, qRow, kv0)) continue;
        const dP = new Float64Array(Tk);
        let rowDot = 0;
        for (let j = 0; j < Tk; j++) {
          if (!kept[j]) continue;
          let s = 0;
          for (let c = 0; c < Dv; c++) s += dOut!.data[qRow * Dv + c]! * v!.data[(kv0 + j) * Dv + c]!;
          dP[j] = s;
          rowDot += p[j]! * s;
        }
        for (let j = 0; j < Tk; j++) {
          if (!kept[j]) continue;
          const dS = p[j]! * (dP[j]! - rowDot);
          dBias[biasAt[qRow * Tk + j]!]! += dBiasWeight * dS;
          for (let c = 0; c < D; c++) {
            dq[qRow * D + c]! += scale * dS * k!.data[(kv0 + j) * D + c]!;
            dk[(kv0 + j) * D + c]! += scale * dS * q!.data[qRow * D + c]!;
          }
          for (let c = 0; c < Dv; c++) dv[(kv0 + j) * Dv + c]! += p[j]! * dOut!.data[qRow * Dv + c]!;
        }
      }
    }
  }
  return [dq, dk, dv, dBias].map((g, n) => {
    const out = allocArray(outs[n]!.dtype, g.length);
    out.set(g);
    return out;
  });
};
