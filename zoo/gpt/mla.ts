// Multi-head latent attention: low-rank key/value compression with a decoupled RoPE key.
// Paper: DeepSeek-AI, DeepSeek-V2 (arXiv:2405.04434) §2.1.2-2.1.3, App. C Eq. 37-47; code:
// deepseek-ai/DeepSeek-V3 inference/model.py `class MLA` (names in brackets). Spec §4.3.
//
//   c^Q  = q_norm(W^DQ h)                   (B, T, d'_c)        [wq_a, q_norm]; skipped when qRank = 0
//   [q^C; q^R] = W^UQ c^Q   per head        (B, H, T, d_h + d^R_h) [wq_b] (or [wq] on h)
//   [c^KV; k^R] = W^DKV h                   (B, T, d_c + d^R_h) [wkv_a]; c^KV = kv_norm(c^KV)
//   q^R, k^R = RoPE at absolute positions; k^R is ONE head shared by all query heads
//   CACHED per token: kv_norm(c^KV) (d_c) and the rotated k^R (d^R_h): d_c + d^R_h elements
//   [k^C; v^C] = W^UKV c^KV per head        (B, H, Tk, d_h + d_h)  [wkv_b]
//   naive:    o_i = softmax([q^C_i; q^R_i]·[k^C_i; k^R] · s) v^C_i,      s = 1/√(d_h + d^R_h)
//   absorbed: q̃_i = W^UK_iᵀ q^C_i (d_c); o_i = W^UV_i softmax(([q̃_i; q^R_i]·[c^KV; k^R]) · s) c^KV
//             i.e. MQA over the latent "key" [c^KV; k^R] and "value" c^KV, then W^UV_i per head
//   y = W^O [o_1; …; o_H]                   (B, T, C)            [wo]
// NOTE: like DeepSeek's code, the down/up projections have no bias (a W^UKV bias would not absorb);
// only W^O follows config.bias.
import {
  Dropout, KVCache, Linear, Module, RMSNorm, concat, expand, matmul, reshape, scaledDotProductAttention, slice,
  type FloatDType, type Tensor,
} from '../../engine/index.js';
import type { AttentionCall, LayerBuild } from './attention.js';
import { checkInput, lastSlice, mergeHeads, rotaryOf, splitHeads, type Rotary } from './attention.js';
import { headDim, mlaOf, type GptConfig, type MlaConfig } from './config.js';

export type MlaPath = 'naive' | 'absorbed';

export interface MlaCall extends AttentionCall {
  path: MlaPath;
}

/** DeepSeek's RMSNorm epsilon on the latents (spec §6 item 7: 1e-6 in our fp32 engine). */
const LATENT_EPS = 1e-6;

export class MultiHeadLatentAttention extends Module {
  readonly nHead: number;
  readonly headDim: number;
  readonly nEmbd: number;
  readonly sizes: MlaConfig;
  readonly dtype: FloatDType;
  /** [wq] (H (d_h + d^R_h), C), or [wq_a] (d'_c, C) then q_norm and [wq_b] (H (d_h + d^R_h), d'_c). */
  readonly wq: Linear | null = null;
  readonly wqA: Linear | null = null;
  readonly qNorm: RMSNorm | null = null;
  readonly wqB: Linear | null = null;
  /** (d_c + d^R_h, C): rows [0, d_c) make c^KV, the rest k^R before RoPE. */
  readonly wkvA: Linear;
  readonly kvNorm: RMSNorm;
  /** (H (d_h + d_h), d_c): head i's rows [i·2d_h, i·2d_h + d_h) are W^UK_i, the next d_h rows W^UV_i. */
  readonly wkvB: Linear;
  readonly wo: Linear;
  /** Rotates q^R and k^R (MLA always uses its decoupled RoPE, whatever config.positions says). */
  readonly rotary: Rotary;
  private readonly drop: Dropout;

  constructor(c: GptConfig, b: LayerBuild) {
    super();
    this.nHead = c.nHead;
    this.headDim = headDim(c);
    this.nEmbd = c.nEmbd;
    this.sizes = mlaOf(c);
    this.dtype = b.dtype;
    const { kvRank, qRank, ropeDim } = this.sizes;
    const [H, dh, C] = [this.nHead, this.headDim, c.nEmbd];
    const lin = (i: number, o: number, bias = false) => new Linear(i, o, { bias, gen: b.gen, dtype: b.dtype, backend: b.backend });
    const norm = (n: number) => new RMSNorm(n, { eps: LATENT_EPS, dtype: b.dtype, backend: b.backend });
    if (qRank === 0) {
      this.wq = this.module('wq', lin(C, H * (dh + ropeDim)));
    } else {
      this.wqA = this.module('wq_a', lin(C, qRank));
      this.qNorm = this.module('q_norm', norm(qRank));
      this.wqB = this.module('wq_b', lin(qRank, H * (dh + ropeDim)));
    }
    this.wkvA = this.module('wkv_a', lin(C, kvRank + ropeDim));
    this.kvNorm = this.module('kv_norm', norm(kvRank));
    this.wkvB = this.module('wkv_b', lin(kvRank, H * 2 * dh));
    this.wo = this.module('wo', lin(H * dh, C, c.bias));
    this.drop = this.module('resid_dropout', new Dropout(c.dropout, { gen: b.dropGen }));
    this.rotary = rotaryOf(c);
  }

  /** The cache holds the latent c^KV in its key slot (d_c) and the rotated k^R in its value slot (d^R_h). */
  createCache(opts: { batch: number; maxLength?: number }): KVCache {
    return new KVCache({ nKvHeads: 1, headDim: this.sizes.kvRank, valueDim: this.sizes.ropeDim, dtype: this.dtype, ...opts });
  }

  /** x (B, T, C) -> (B, T, C); with a cache, x holds only the new tokens. */
  forward(x: Tensor, call: MlaCall): Tensor {
    checkInput('MultiHeadLatentAttention', x, this.nEmbd);
    const [B, T] = x.shape as [number, number, number];
    const { kvRank: dc, ropeDim: dR } = this.sizes;
    const [H, dh] = [this.nHead, this.headDim];
    const q = splitHeads(this.queries(x), H, dh + dR); // (B, H, T, d_h + d^R_h)
    const qNope = lastSlice(q, 0, dh); // (B, H, T, d_h)
    const qPe = this.rotary.query(lastSlice(q, dh, dh + dR), call.offset); // (B, H, T, d^R_h)
    const kv = this.wkvA.forward(x); // (B, T, d_c + d^R_h)
    let latent = reshape(this.kvNorm.forward(lastSlice(kv, 0, dc)), [B, 1, T, dc]); // (B, 1, T, d_c)
    let kPe = this.rotary.key(reshape(lastSlice(kv, dc, dc + dR), [B, 1, T, dR]), call.offset); // (B, 1, T, d^R_h)
    if (call.cache) ({ keys: latent, values: kPe } = call.cache.append(latent, kPe)); // (B, 1, Tk, ·)
    const o = call.path === 'absorbed'
      ? this.attendAbsorbed(qNope, qPe, latent, kPe, call.causal)
      : this.attendNaive(qNope, qPe, latent, kPe, call.causal); // (B, H, T, d_h)
    return this.drop.forward(this.wo.forward(mergeHeads(o))); // (B, T, C)
  }

  /** x (B, T, C) -> [q^C; q^R] per head, (B, T, H (d_h + d^R_h)). */
  private queries(x: Tensor): Tensor {
    if (this.wq) return this.wq.forward(x);
    return this.wqB!.forward(this.qNorm!.forward(this.wqA!.forward(x)));
  }

  /** Up-projects every cached latent to per-head keys and values, then plain attention. */
  private attendNaive(qNope: Tensor, qPe: Tensor, latent: Tensor, kPe: Tensor, causal: boolean): Tensor {
    const [B, , Tk, dc] = latent.shape as [number, number, number, number];
    const [H, dh, dR] = [this.nHead, this.headDim, this.sizes.ropeDim];
    const kv = splitHeads(this.wkvB.forward(reshape(latent, [B, Tk, dc])), H, 2 * dh); // (B, H, Tk, 2 d_h)
    const k = concat([lastSlice(kv, 0, dh), expand(kPe, [B, H, Tk, dR])], { axis: -1 }); // (B, H, Tk, d_h + d^R_h)
    const q = concat([qNope, qPe], { axis: -1 }); // (B, H, T, d_h + d^R_h)
    return scaledDotProductAttention(q, k, lastSlice(kv, dh, 2 * dh), { causal }); // scale 1/√(d_h + d^R_h)
  }

  /** Scores and the value sum on the latent cache; W^UK goes into the query, W^UV after the sum. */
  private attendAbsorbed(qNope: Tensor, qPe: Tensor, latent: Tensor, kPe: Tensor, causal: boolean): Tensor {
    const [H, dh, dc, dR] = [this.nHead, this.headDim, this.sizes.kvRank, this.sizes.ropeDim];
    const w = reshape(this.wkvB.weight, [H, 2 * dh, dc]); // (H, 2 d_h, d_c)
    const wUK = slice(w, { starts: [0], ends: [dh], axes: [1] }); // (H, d_h, d_c)
    const wUV = slice(w, { starts: [dh], ends: [2 * dh], axes: [1] }); // (H, d_h, d_c)
    const qLatent = matmul(qNope, wUK); // q̃ = W^UKᵀ q^C per head: (B, H, T, d_h)(H, d_h, d_c) -> (B, H, T, d_c)
    const q = concat([qLatent, qPe], { axis: -1 }); // (B, H, T, d_c + d^R_h)
    const k = concat([latent, kPe], { axis: -1 }); // (B, 1, Tk, d_c + d^R_h)
    const oLatent = scaledDotProductAttention(q, k, latent, { causal, scale: 1 / Math.sqrt(dh + dR) }); // (B, H, T, d_c)
    return matmul(oLatent, wUV, { transB: true }); // (B, H, T, d_c)(H, d_c, d_h) -> (B, H, T, d_h)
  }
}
