// Multi-head attention with grouped key/value heads: one class for MHA (nKvHeads = nHeads), GQA
// (nKvHeads divides nHeads) and MQA (nKvHeads = 1), with optional rotary position embeddings and
// an incremental key/value cache for decoding.
// Paper: Vaswani et al. 2017 (arXiv:1706.03762); GQA: Ainslie et al. 2023 (arXiv:2305.13245);
// spec: /work/shared/specs/mhc-hc-attention.md §4.1-4.5.
//
//   q = x W_qᵀ + b_q  (B, T, H·D) -> (B, H, T, D)        k, v: (B, Hkv, T, D)
//   q, k = rope(q, k) at absolute positions cache.length + t
//   o = softmax(q kᵀ / √D + mask) v, query head h reading kv head ⌊h / (H / Hkv)⌋
//   y = o W_oᵀ + b_o  (B, T, C)
import type { Backend } from '../../backend.js';
import { fromArray, full } from '../../creation.js';
import type { DType } from '../../dtype.js';
import { ShapeError, ValueError, fmtShape } from '../../errors.js';
import type { Generator } from '../../rng.js';
import type { Tensor } from '../../tensor.js';
import { add } from '../../ops/binary/add.js';
import { mul } from '../../ops/binary/mul.js';
import { where } from '../../ops/binary/where.js';
import { gt } from '../../ops/compare/gt.js';
import { cast } from '../../ops/linalg/cast.js';
import { matmulRaw } from '../../ops/linalg/matmul.js';
import { expand } from '../../ops/movement/expand.js';
import { reshape } from '../../ops/movement/reshape.js';
import { transpose } from '../../ops/movement/transpose.js';
import { dropoutWith } from '../../ops/nn/dropout.js';
import { rope } from '../../ops/nn/rope.js';
import { scaledDotProductAttention } from '../../ops/nn/scaled_dot_product_attention.js';
import { softmax } from '../../ops/nn/softmax.js';
import { sum } from '../../ops/reduce/sum.js';
import { Module } from '../module.js';
import { KVCache } from './kv-cache.js';
import { fanInBound, initUniform, layerGen, type LayerOptions } from './layer-options.js';
import { affine } from './recurrent.js';

const OWNER = 'MultiHeadAttention';

/** A dense projection with weight (out, in) and bias (out), drawn U(-1/√in, 1/√in) like torch.nn.Linear. */
class Projection extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  constructor(inF: number, outF: number, bias: boolean, init: LayerOptions) {
    super();
    this.weight = this.param('weight', initUniform([outF, inF], fanInBound(inF), init));
    this.bias = bias ? this.param('bias', initUniform([outF], fanInBound(inF), init)) : null;
  }
  forward(x: Tensor): Tensor {
    return affine(x, this.weight, this.bias);
  }
}

export interface AttentionRopeOptions {
  /** θ_i = base^(−2i/d) (default 10000). */
  base?: number;
  /** true (default): adjacent pairs (RoFormer, DeepSeek); false: half-split rotate_half (HF LLaMA). */
  interleaved?: boolean;
  /** Rotate only the first rotaryDim dims of each head (even; default headDim). */
  rotaryDim?: number;
}

export interface MultiHeadAttentionOptions extends LayerOptions {
  /** Key/value heads; must divide nHeads (default nHeads: MHA; 1: MQA). */
  nKvHeads?: number;
  /** Per-head dim D (default dModel / nHeads, which must then be an integer). */
  headDim?: number;
  /** Biases on the four projections (default true). */
  bias?: boolean;
  /** Rotary position embeddings on q and k (default none). */
  rope?: AttentionRopeOptions;
  /** Dropout probability on the attention weights, training mode only (torch.nn.MultiheadAttention). */
  dropout?: number;
}

export interface AttentionCallOptions {
  /** Bool (true = attend) or additive float mask broadcastable to (B, H, T, Tk). */
  mask?: Tensor | null;
  /** Bool (B, Tk), true = padding (ignored key). */
  keyPaddingMask?: Tensor | null;
  /**
   * Causal masking, bottom-right aligned: with a cache holding L tokens, query t (absolute
   * position L + t) sees keys 0 .. L + t. Prefill and token-by-token decoding use the same flag.
   */
  causal?: boolean;
  /** Holds the keys and values of earlier tokens; this call's are appended to it. */
  cache?: KVCache | null;
}

export class MultiHeadAttention extends Module {
  readonly dModel: number;
  readonly nHeads: number;
  readonly nKvHeads: number;
  readonly headDim: number;
  readonly dropout: number;
  readonly rope: Required<AttentionRopeOptions> | null;
  readonly dtype: DType;
  private readonly gen: Generator;
  private readonly qProj: Projection;
  private readonly kProj: Projection;
  private readonly vProj: Projection;
  private readonly outProj: Projection;

  /** Parameters q_proj.{weight,bias} (H·D, C), k_proj and v_proj (Hkv·D, C), out_proj (C, H·D). */
  constructor(dModel: number, nHeads: number, opts: MultiHeadAttentionOptions = {}) {
    super();
    const posInt = (name: string, v: number) => {
      if (!Number.isInteger(v) || v < 1) throw new ValueError(OWNER, `${name} ${v} must be a positive integer`);
    };
    posInt('dModel', dModel);
    posInt('nHeads', nHeads);
    const nKv = opts.nKvHeads ?? nHeads;
    posInt('nKvHeads', nKv);
    if (nHeads % nKv !== 0) throw new ValueError(OWNER, `nKvHeads ${nKv} must divide nHeads ${nHeads}`);
    if (opts.headDim === undefined && dModel % nHeads !== 0) {
      throw new ValueError(OWNER, `dModel ${dModel} is not divisible by nHeads ${nHeads}; pass headDim`);
    }
    const D = opts.headDim ?? dModel / nHeads;
    posInt('headDim', D);
    this.dropout = opts.dropout ?? 0;
    if (!(this.dropout >= 0 && this.dropout < 1)) throw new ValueError(OWNER, `dropout ${this.dropout} must lie in [0, 1)`);
    this.rope = opts.rope ? resolveRope(opts.rope, D) : null;
    this.dModel = dModel;
    this.nHeads = nHeads;
    this.nKvHeads = nKv;
    this.headDim = D;
    this.dtype = opts.dtype ?? 'float32';
    this.gen = layerGen(opts);
    const init = { ...opts, gen: this.gen };
    const bias = opts.bias ?? true;
    this.qProj = this.module('q_proj', new Projection(dModel, nHeads * D, bias, init));
    this.kProj = this.module('k_proj', new Projection(dModel, nKv * D, bias, init));
    this.vProj = this.module('v_proj', new Projection(dModel, nKv * D, bias, init));
    this.outProj = this.module('out_proj', new Projection(nHeads * D, dModel, bias, init));
  }

  /** A cache shaped for this layer (one per layer and sequence batch). */
  createCache(opts: { batch: number; maxLength?: number; dtype?: DType }): KVCache {
    return new KVCache({ nKvHeads: this.nKvHeads, headDim: this.headDim, dtype: this.dtype, ...opts });
  }

  /** x (B, T, C) -> (B, T, C). With a cache, x holds the new tokens only. */
  forward(x: Tensor, opts: AttentionCallOptions = {}): Tensor {
    if (x.rank !== 3 || x.shape[2] !== this.dModel) {
      throw new ShapeError(OWNER, `x ${fmtShape(x.shape)}: expected (B, T, C) with C = dModel ${this.dModel}`);
    }
    const [B, T] = x.shape as [number, number, number];
    const heads = (y: Tensor, n: number) => transpose(reshape(y, [B, T, n, this.headDim]), 1, 2); // (B, n, T, D)
    let q = heads(this.qProj.forward(x), this.nHeads);
    let k = heads(this.kProj.forward(x), this.nKvHeads);
    let v = heads(this.vProj.forward(x), this.nKvHeads);
    const cache = opts.cache ?? null;
    if (this.rope) {
      const offset = cache?.length ?? 0;
      q = rope(q, { ...this.rope, offset });
      k = rope(k, { ...this.rope, offset });
    }
    if (cache) ({ keys: k, values: v } = cache.append(k, v));
    const attrs = { attnMask: opts.mask ?? null, keyPaddingMask: opts.keyPaddingMask ?? null, causal: opts.causal ?? false };
    const o = this.training && this.dropout > 0
      ? attendWithDropout(q, k, v, attrs, this.dropout, this.gen)
      : scaledDotProductAttention(q, k, v, attrs); // (B, H, T, D)
    return this.outProj.forward(reshape(transpose(o, 1, 2), [B, T, this.nHeads * this.headDim]));
  }
}

function resolveRope(r: AttentionRopeOptions, D: number): Required<AttentionRopeOptions> {
  const rotaryDim = r.rotaryDim ?? D;
  if (!Number.isInteger(rotaryDim) || rotaryDim < 0 || rotaryDim > D || rotaryDim % 2 !== 0) {
    throw new ValueError(OWNER, `rope.rotaryDim ${rotaryDim} must be an even integer in [0, headDim ${D}]`);
  }
  return { base: r.base ?? 10000, interleaved: r.interleaved ?? true, rotaryDim };
}

interface MaskAttrs {
  attnMask: Tensor | null;
  keyPaddingMask: Tensor | null;
  causal: boolean;
}

/**
 * Attention written out so that dropout can act on the weights (the fused op has no dropout):
 * P = softmax(q kᵀ / √D + additive mask) over the kept keys, dropped out, then P v. Same masks,
 * head grouping and conventions as scaled_dot_product_attention (a row with no kept key gives 0).
 * Used in training mode with dropout > 0 only.
 */
function attendWithDropout(q: Tensor, k: Tensor, v: Tensor, m: MaskAttrs, p: number, gen: Generator): Tensor {
  const [B, H, Tq, D] = q.shape as [number, number, number, number];
  const [, Hkv, Tk] = k.shape as [number, number, number, number];
  const g = H / Hkv;
  // (B, Hkv, Tk, d) -> (B, Hkv, g, Tk, d) -> (B, H, Tk, d): query head h reads kv head ⌊h / g⌋.
  const repeat = (t: Tensor) => {
    const d = t.shape[3]!;
    return g === 1 ? t : reshape(expand(reshape(t, [B, Hkv, 1, Tk, d]), [B, Hkv, g, Tk, d]), [B, H, Tk, d]);
  };
  let scores = mul(matmulRaw(q, repeat(k), { transB: true }), 1 / Math.sqrt(D)); // (B, H, Tq, Tk)
  if (m.attnMask && m.attnMask.dtype !== 'bool') scores = add(scores, m.attnMask);
  const keep = expand(keptPairs(m, B, Tq, Tk, q.backend), scores.shape); // (B, H, Tq, Tk) bool
  const anyKept = gt(sum(cast(keep, q.dtype), { axes: -1, keepdims: true }), 0); // (B, H, Tq, 1)
  const logits = where(anyKept, where(keep, scores, -Infinity), 0);
  const weights = where(keep, softmax(logits, { axis: -1 }), 0);
  return matmulRaw(dropoutWith(weights, p, gen), repeat(v));
}

/** attnMask (bool) ∧ ¬keyPaddingMask ∧ causal (bottom-right), broadcastable to (B, H, Tq, Tk). */
function keptPairs(m: MaskAttrs, B: number, Tq: number, Tk: number, backend: Backend): Tensor {
  const bool = (v: number) => full([], v, { dtype: 'bool', backend });
  let keep = m.attnMask && m.attnMask.dtype === 'bool' ? m.attnMask : bool(1);
  const pad = m.keyPaddingMask;
  if (pad) keep = where(reshape(pad, [pad.rank === 2 ? pad.shape[0]! : 1, 1, 1, pad.shape[pad.rank - 1] ?? 1]), bool(0), keep);
  if (m.causal) {
    const allowed = new Uint8Array(Tq * Tk);
    for (let i = 0; i < Tq; i++) for (let j = 0; j < Tk; j++) allowed[i * Tk + j] = j <= i + Tk - Tq ? 1 : 0;
    keep = where(fromArray(allowed, [Tq, Tk], 'bool', { backend }), keep, bool(0));
  }
  return keep;
}
