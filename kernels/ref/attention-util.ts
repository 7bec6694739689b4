// The scores of one attention query row, shared by the forward and backward ref kernels.
import { causalAllows, sdpaDims, sdpaScale, type SdpaAttrs, type SdpaDims } from '../../engine/ops/nn/attention-util.js';
import type { RefArg } from './types.js';
import { broadcastOffsets } from './util.js';

export interface SdpaRows extends SdpaDims {
  scale: number;
  /** Query heads per kv head: head h reads kv head floor(h / G). */
  G: number;
  /** Offset of element (b, h, i, j) of the broadcast bias, by flat (b, h, i, j). */
  biasAt: Int32Array;
  /** The row's scores s_j (Tk), written by `scores`; only kept entries are set. */
  s: Float64Array;
  /** 1 where key j is kept (attnMask ∧ ¬keyPaddingMask ∧ causal), written by `scores`. */
  kept: Uint8Array;
  /**
   * Fills s and kept for query row `qRow` (batch b, position i) against the keys from kv row
   * `kv0`: s_j = scale·<q_i, k_j> + bias_ij over the kept keys. Returns max s (NaN when one is NaN).
   */
  scores(b: number, i: number, qRow: number, kv0: number): number;
}

export function sdpaRows(inputs: readonly RefArg[], attrs: SdpaAttrs): SdpaRows {
  const [q, k, bias, mask, pad] = [inputs[0]!, inputs[1]!, inputs[3]!, inputs[4]!, inputs[5]!];
  const dims = sdpaDims(inputs);
  const { B, H, Hkv, Tq, Tk, D } = dims;
  const scale = sdpaScale(attrs, D), causal = attrs.causal ?? false;
  const [biasAt, maskAt] = broadcastOffsets([B, H, Tq, Tk], [bias.shape, mask.shape]) as [Int32Array, Int32Array];
  const [padAt] = broadcastOffsets([B, Tk], [pad.shape]) as [Int32Array];
  const s = new Float64Array(Tk), kept = new Uint8Array(Tk);
  const scores = (b: number, i: number, qRow: number, kv0: number): number => {
    let m = -Infinity;
    for (let j = 0; j < Tk; j++) {
      const at = qRow * Tk + j;
      kept[j] = mask.data[maskAt[at]!] && !pad.data[padAt[b * Tk + j]!] && (!causal || causalAllows(i, j, Tq, Tk)) ? 1 : 0;
      if (!kept[j]) continue;
      let dot = 0;
      for (let c = 0; c < D; c++) dot += q.data[qRow * D + c]! * k.data[(kv0 + j) * D + c]!;
      s[j] = scale * dot + bias.data[biasAt[at]!]!;
      m = s[j]! > m || Number.isNaN(s[j]!) ? s[j]! : m;
    }
    return m;
  };
  return { ...dims, scale, G: H / Hkv, biasAt, s, kept, scores };
}
