// Paper: Vaswani et al., "Attention Is All You Need" (scaled dot-product attention); grouped
// key/value heads: Ainslie et al., GQA (arXiv:2305.13245), Shazeer, MQA (arXiv:1911.02150).
import { F } from '../../check.js';
import { full } from '../../creation.js';
import { apply, apply1 } from '../../dispatch.js';
import { defineOp } from '../../op.js';
import type { Tensor } from '../../tensor.js';
import { bytesOf } from '../infer.js';
import { matmulRaw } from '../linalg/matmul.js';
import { sdpaCases, sdpaDims, sdpaInfer, sdpaMaskValues, type SdpaAttrs } from './attention-util.js';
import { attentionProbs, repeatKv, scaledDotProductAttentionBackwardOp } from './scaled_dot_product_attention_backward.js';

export type { SdpaAttrs } from './attention-util.js';

export const scaledDotProductAttentionOp = defineOp({
  name: 'scaled_dot_product_attention',
  family: 'nn',
  doc: 'softmax(scale·q kᵀ + attnBias, masked) v over keys; kv heads shared by groups of H/Hkv query heads (MHA, GQA, MQA)',
  infer: sdpaInfer,
  // The fused backward op (its decomposition is the op-written backward: the oracle and fallback).
  vjp: ({ inputs, dOut, attrs }) => {
    const [dQ, dK, dV, dBias] = apply(scaledDotProductAttentionBackwardOp, [...inputs, dOut], attrs);
    return [dQ!, dK!, dV!, dBias!, null, null];
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
