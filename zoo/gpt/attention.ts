// Causal self-attention with grouped key/value heads (MHA, GQA, MQA) and rotary positions.
// Paper: Vaswani et al. 2017 (arXiv:1706.03762); MQA: Shazeer 2019 (arXiv:1911.02150);
// GQA: Ainslie et al. 2023 (arXiv:2305.13245); RoPE: Su et al. 2021 (arXiv:2104.09864).
// Spec: /work/shared/specs/mhc-hc-attention.md §4.1, §4.2, §4.4.
//
//   [q; k; v] = x W_attnᵀ + b         (B, T, (H + 2 Hkv) D)     one fused projection (nanoGPT c_attn)
//   q (B, H, T, D), k and v (B, Hkv, T, D); query head h reads kv head ⌊h / (H / Hkv)⌋
//   q, k = RoPE at absolute positions offset + t (positions 'rope' only)
//   o = softmax(q kᵀ / √D, causal) v  (B, H, T, D)
//   y = o W_projᵀ + b                  (B, T, C)
// NOTE: dropout acts on the block outputs (nanoGPT's resid_dropout), not on the attention weights:
// the fused scaled_dot_product_attention op has no dropout.
import {
  Dropout, KVCache, Linear, Module, ShapeError, ValueError, fmtShape, reshape, rope, scaledDotProductAttention, slice, transpose,
  type Backend, type FloatDType, type Generator, type Tensor,
} from '../../engine/index.js';
import { headDim, kvHeads, type GptConfig } from './config.js';

/** What every layer is built with: weights from `gen`, dropout masks from `dropGen`. */
export interface LayerBuild {
  gen: Generator;
  dropGen: Generator;
  dtype: FloatDType;
  backend?: Backend | string;
}

export interface AttentionCall {
  /** Absolute position of x's first token (the tokens already cached, unless a bug is planted). */
  offset: number;
  /** Mask future keys (bottom-right aligned: with L cached tokens, query t sees keys 0 .. L + t). */
  causal: boolean;
  cache?: KVCache | null;
}

/**
 * The rotation the attention layers apply: interleaved pairs (x_{2i}, x_{2i+1}) rotated by
 * position · base^(−2i/d) (RoFormer, DeepSeek-V3 `apply_rotary_emb`). Queries and keys must use
 * the same pairing; the planted 'rope-pairing' bug rotates keys with the half-split pairing.
 */
export class Rotary {
  constructor(readonly base: number, private readonly brokenPairing = false) {}

  /** x (B, n, T, d) at positions offset .. offset + T − 1. */
  query(x: Tensor, offset: number): Tensor {
    return rope(x, { base: this.base, offset, interleaved: true });
  }

  key(x: Tensor, offset: number): Tensor {
    return rope(x, { base: this.base, offset, interleaved: !this.brokenPairing });
  }
}

export function rotaryOf(c: GptConfig): Rotary {
  return new Rotary(c.ropeBase ?? 10000, c.plantedBug === 'rope-pairing');
}

/** (B, T, n·d) -> (B, n, T, d). */
export function splitHeads(y: Tensor, n: number, d: number): Tensor {
  const [B, T] = y.shape as [number, number, number];
  return transpose(reshape(y, [B, T, n, d]), 1, 2); // (B, n, T, d)
}

/** (B, n, T, d) -> (B, T, n·d). */
export function mergeHeads(o: Tensor): Tensor {
  const [B, n, T, d] = o.shape as [number, number, number, number];
  return reshape(transpose(o, 1, 2), [B, T, n * d]); // (B, T, n·d)
}

/** x[..., start:end] along the last axis. */
export const lastSlice = (x: Tensor, start: number, end: number): Tensor => slice(x, { starts: [start], ends: [end], axes: [-1] });

export function checkInput(owner: string, x: Tensor, C: number): void {
  if (x.rank !== 3 || x.shape[2] !== C) throw new ShapeError(owner, `x ${fmtShape(x.shape)}: expected (B, T, C) with C = nEmbd ${C}`);
}

export class CausalSelfAttention extends Module {
  readonly nHead: number;
  readonly nKvHead: number;
  readonly headDim: number;
  readonly nEmbd: number;
  readonly dtype: FloatDType;
  /** Weight (H·D + 2·Hkv·D, C): rows [0, H·D) make q, then Hkv·D rows of k, then of v. */
  readonly cAttn: Linear;
  readonly cProj: Linear;
  /** The q/k rotation (positions 'rope'), null with learned positions. */
  readonly rotary: Rotary | null;
  private readonly drop: Dropout;

  constructor(c: GptConfig, b: LayerBuild) {
    super();
    if (c.attention === 'mla') throw new ValueError('CausalSelfAttention', `attention 'mla' is MultiHeadLatentAttention's`);
    this.nHead = c.nHead;
    this.nKvHead = kvHeads(c);
    this.headDim = headDim(c);
    this.nEmbd = c.nEmbd;
    this.dtype = b.dtype;
    const opts = { bias: c.bias, gen: b.gen, dtype: b.dtype, backend: b.backend };
    this.cAttn = this.module('c_attn', new Linear(c.nEmbd, (this.nHead + 2 * this.nKvHead) * this.headDim, opts));
    this.cProj = this.module('c_proj', new Linear(this.nHead * this.headDim, c.nEmbd, opts));
    this.drop = this.module('resid_dropout', new Dropout(c.dropout, { gen: b.dropGen }));
    this.rotary = c.positions === 'rope' ? rotaryOf(c) : null;
  }

  /** Keys and values of Hkv heads: 2 · Hkv · D elements per token. */
  createCache(opts: { batch: number; maxLength?: number }): KVCache {
    return new KVCache({ nKvHeads: this.nKvHead, headDim: this.headDim, dtype: this.dtype, ...opts });
  }

  /** x (B, T, C) -> (B, T, C); with a cache, x holds only the new tokens. */
  forward(x: Tensor, call: AttentionCall): Tensor {
    checkInput('CausalSelfAttention', x, this.nEmbd);
    const [H, Hkv, D] = [this.nHead, this.nKvHead, this.headDim];
    const qkv = this.cAttn.forward(x); // (B, T, (H + 2 Hkv) D)
    let q = splitHeads(lastSlice(qkv, 0, H * D), H, D); // (B, H, T, D)
    let k = splitHeads(lastSlice(qkv, H * D, (H + Hkv) * D), Hkv, D); // (B, Hkv, T, D)
    let v = splitHeads(lastSlice(qkv, (H + Hkv) * D, (H + 2 * Hkv) * D), Hkv, D); // (B, Hkv, T, D)
    if (this.rotary) {
      q = this.rotary.query(q, call.offset);
      k = this.rotary.key(k, call.offset);
    }
    if (call.cache) ({ keys: k, values: v } = call.cache.append(k, v)); // (B, Hkv, L + T, D)
    const o = scaledDotProductAttention(q, k, v, { causal: call.causal }); // (B, H, T, D)
    return this.drop.forward(this.cProj.forward(mergeHeads(o))); // (B, T, C)
  }
}
