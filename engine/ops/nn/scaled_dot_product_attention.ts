// Paper: Vaswani et al., "Attention Is All You Need" (scaled dot-product attention); grouped
// key/value heads: Ainslie et al., GQA (arXiv:2305.13245), Shazeer, MQA (arXiv:1911.02150).
import { F } from '../../check.js';
import { fromArray, full } from '../../creation.js';
import { apply1 } from '../../dispatch.js';
import { defineOp } from '../../op.js';
import type { Tensor } from '../../tensor.js';
import { add } from '../binary/add.js';
import { mul } from '../binary/mul.js';
import { sub } from '../binary/sub.js';
import { where } from '../binary/where.js';
import { gt } from '../compare/gt.js';
import { ne } from '../compare/ne.js';
import { unbroadcast } from '../grad-util.js';
import { bytesOf } from '../infer.js';
import { cast } from '../linalg/cast.js';
import { matmulRaw } from '../linalg/matmul.js';
import { expand } from '../movement/expand.js';
import { reshape } from '../movement/reshape.js';
import { sum } from '../reduce/sum.js';
import { softmax } from './softmax.js';
import { causalAllows, sdpaCases, sdpaDims, sdpaInfer, sdpaMaskValues, sdpaScale, type SdpaAttrs } from './attention-util.js';

export type { SdpaAttrs } from './attention-util.js';

/** Query head h reads kv head floor(h / G): (B, Hkv, T, D) -> (B, H, T, D) (torch repeat_interleave on dim 1). */
function repeatKv(t: Tensor, H: number): Tensor {
  const [B, Hkv, T, D] = t.shape as [number, number, number, number];
  if (Hkv === H) return t;
  const G = H / Hkv;
  return reshape(expand(reshape(t, [B, Hkv, 1, T, D]), [B, Hkv, G, T, D]), [B, H, T, D]); // (B, H, T, D)
}

/** The gradient of repeatKv: the G query heads of each group add up. (B, H, T, D) -> (B, Hkv, T, D). */
function sumKvGroups(g: Tensor, Hkv: number): Tensor {
  const [B, H, T, D] = g.shape as [number, number, number, number];
  if (Hkv === H) return g;
  return sum(reshape(g, [B, Hkv, H / Hkv, T, D]), { axes: 2 }); // (B, Hkv, T, D)
}

/** Which (query, key) pairs are attended: attnMask ∧ ¬keyPaddingMask ∧ causal, broadcast to (B, H, Tq, Tk). */
function keepMask(mask: Tensor, pad: Tensor, shape: readonly number[], causal: boolean): Tensor {
  const [, , Tq, Tk] = shape as [number, number, number, number];
  const no = full([], 0, { dtype: 'bool', backend: mask.backend });
  const padded = pad.rank === 2 ? reshape(pad, [pad.shape[0]!, 1, 1, pad.shape[1]!]) : pad; // (B, 1, 1, Tk)
  let keep = where(padded, no, mask);
  if (causal) {
    const tri = new Uint8Array(Tq * Tk);
    for (let i = 0; i < Tq; i++) for (let j = 0; j < Tk; j++) tri[i * Tk + j] = causalAllows(i, j, Tq, Tk) ? 1 : 0;
    keep = where(fromArray(tri, [Tq, Tk], 'bool', { backend: mask.backend }), keep, no);
  }
  return expand(keep, shape);
}

/**
 * P = softmax over keys of scale·q kᵀ + attnBias, restricted to the kept pairs, with the kv heads
 * already repeated: q (B, H, Tq, D), kE (B, H, Tk, D) -> P (B, H, Tq, Tk).
 * NOTE: a row in which every key is excluded (bool masks, padding, causality or additive -inf) gets
 * P = 0, so its output and gradients are 0: torch's SDPA (_safe_softmax, torch >= 2.5) and
 * flash-attention do the same; plain softmax would give NaN. NaN scores still propagate.
 */
function attentionProbs(inputs: readonly Tensor[], kE: Tensor, attrs: SdpaAttrs): Tensor {
  const [q, , , bias, mask, pad] = inputs as [Tensor, Tensor, Tensor, Tensor, Tensor, Tensor];
  const s = add(mul(matmulRaw(q, kE, { transB: true }), sdpaScale(attrs, q.shape[3]!)), bias); // (B, H, Tq, Tk)
  const logits = where(keepMask(mask, pad, s.shape, attrs.causal ?? false), s, -Infinity);
  const live = ne(logits, -Infinity); // kept and not -inf (NaN counts as live)
  const anyLive = gt(sum(cast(live, s.dtype), { axes: -1, keepdims: true }), 0); // (B, H, Tq, 1)
  // Dead rows are softmaxed as zeros (finite, so no NaN in the backward) and then zeroed.
  return where(live, softmax(where(anyLive, logits, 0), { axis: -1 }), 0);
}

export const scaledDotProductAttentionOp = defineOp({
  name: 'scaled_dot_product_attention',
  family: 'nn',
  doc: 'softmax(scale·q kᵀ + attnBias, masked) v over keys; kv heads shared by groups of H/Hkv query heads (MHA, GQA, MQA)',
  infer: sdpaInfer,
  // O = P V, P = softmax(S), S = scale Q Kᵀ + bias: dV = Pᵀ dO, dP = dO Vᵀ, dS = P ⊙ (dP − rowsum(dP ⊙ P)),
  // dQ = scale dS K, dK = scale dSᵀ Q, dBias = dS; kv-head gradients sum over their query-head group.
  vjp: ({ inputs, dOut, attrs }) => {
    const [q, k, v, bias] = inputs as [Tensor, Tensor, Tensor, Tensor];
    const H = q.shape[1]!, Hkv = k.shape[1]!, scale = sdpaScale(attrs, q.shape[3]!);
    const kE = repeatKv(k, H), vE = repeatKv(v, H);
    const P = attentionProbs(inputs, kE, attrs); // (B, H, Tq, Tk), recomputed
    const dV = matmulRaw(P, dOut, { transA: true }); // (B, H, Tk, Dv)
    const dP = matmulRaw(dOut, vE, { transB: true }); // (B, H, Tq, Tk)
    const dS = mul(P, sub(dP, sum(mul(dP, P), { axes: -1, keepdims: true })));
    const dQ = mul(matmulRaw(dS, kE), scale); // (B, H, Tq, D)
    const dK = mul(matmulRaw(dS, q, { transA: true }), scale); // (B, H, Tk, D)
    return [dQ, sumKvGroups(dK, Hkv), sumKvGroups(dV, Hkv), unbroadcast(dS, bias.shape), null, null];
  },
  // matmul, scale, mask, softmax, matmul: the fallback and the fused kernel's second oracle.
  decompose: (inputs, attrs) => {
    const H = inputs[0]!.shape[1]!;
    return [matmulRaw(attentionProbs(inputs, repeatKv(inputs[1]!, H), attrs), repeatKv(inputs[2]!, H))];
  },
  check: {
    cases: sdpaCases,
    inputs: [F, F, F, F, { kind: 'bool' }, { kind: 'bool' }],
    values: sdpaMaskValues,
    secondOrder: true,
  },
  // Two GEMMs (2·Tq·Tk·D and 2·Tq·Tk·Dv per head) plus ~5 flops per score for scale, mask and softmax.
  cost: (inputs, outputs) => {
    const { B, H, Tq, Tk, D, Dv } = sdpaDims(inputs);
    const n = B * H * Tq * Tk;
    return { flops: 2 * n * (D + Dv) + 5 * n, bytes: bytesOf(inputs) + bytesOf(outputs) };
  },
});

export interface ScaledDotProductAttentionAttrs extends SdpaAttrs {
  /** bool: true = attend; float: added to the scores (-inf excludes). Broadcastable to (B, H, Tq, Tk). */
  attnMask?: Tensor | null;
  /** bool (B, Tk) (or broadcastable to it): true = padding, that key is ignored (torch MHA's key_padding_mask). */
  keyPaddingMask?: Tensor | null;
}

/**
 * torch.nn.functional.scaled_dot_product_attention with grouped kv heads:
 * q (B, H, Tq, D), k (B, Hkv, Tk, D), v (B, Hkv, Tk, Dv) -> (B, H, Tq, Dv), H a multiple of Hkv;
 * query head h uses kv head floor(h / (H / Hkv)), so one call serves MHA, GQA and MQA.
 * NOTE: `causal` is bottom-right aligned (query i is at absolute position Tk - Tq + i), which is what
 * KV-cache decoding needs; torch's is_causal is top-left aligned (they agree when Tq == Tk). A query
 * row with every key excluded (bool masks, padding, causality or additive -inf) gives 0, as torch >= 2.5.
 */
export function scaledDotProductAttention(q: Tensor, k: Tensor, v: Tensor, attrs: ScaledDotProductAttentionAttrs = {}): Tensor {
  const { attnMask, keyPaddingMask, ...opAttrs } = attrs;
  const opts = { backend: q.backend };
  const isBool = attnMask?.dtype === 'bool';
  const bias = attnMask && !isBool ? attnMask : full([], 0, { ...opts, dtype: q.dtype });
  const mask = attnMask && isBool ? attnMask : full([], 1, { ...opts, dtype: 'bool' });
  const pad = keyPaddingMask ?? full([], 0, { ...opts, dtype: 'bool' });
  return apply1(scaledDotProductAttentionOp, [q, k, v, bias, mask, pad], opAttrs);
}
