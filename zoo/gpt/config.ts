// GPT configuration: the typed config, its presets, validation, and the closed-form sizes the
// invariants compare against (head dims, key/value cache elements per token).
// Spec: /work/shared/specs/mhc-hc-attention.md §4.1-4.5 (MHA, GQA, MQA, MLA, RoPE, KV cache).
import { ValueError } from '../../engine/index.js';

/** 'mha' H kv heads, 'gqa' nKvHead groups, 'mqa' one kv head, 'mla' low-rank latent KV (DeepSeek-V2). */
export type AttentionKind = 'mha' | 'gqa' | 'mqa' | 'mla';
/** 'learned': a position table added to the token embedding (GPT-2); 'rope': rotary q/k (RoFormer). */
export type PositionKind = 'learned' | 'rope';
export type NormKind = 'layernorm' | 'rmsnorm';

/**
 * A deliberate bug, for the tests that prove the invariants can fail (never set it otherwise):
 * 'causal-mask' attends to future tokens, 'cache-offset' places every call's tokens at position 0
 * (learned table and RoPE) instead of after the cached ones, 'rope-pairing' rotates keys with the
 * half-split pairing while queries use adjacent pairs.
 */
export type PlantedBug = 'causal-mask' | 'cache-offset' | 'rope-pairing';

/** Multi-head latent attention sizes (DeepSeek-V2 §2.1.2; DSV3 code names in brackets). */
export interface MlaConfig {
  /** d_c: rank of the cached key/value latent c^KV [kv_lora_rank]. */
  kvRank: number;
  /** d'_c: rank of the query latent c^Q; 0 = no query compression, as V2-Lite [q_lora_rank]. */
  qRank: number;
  /** d^R_h: dim of the decoupled RoPE query (per head) and key (shared), even [qk_rope_head_dim]. */
  ropeDim: number;
  /** Decoding path with a cache: 'absorbed' (W^UK into the query, W^UV after the latent sum) or 'naive'. */
  decode: 'absorbed' | 'naive';
}

export interface GptConfig {
  /** V: token vocabulary (256 = bytes). */
  vocabSize: number;
  /** Longest context T the model accepts (size of the learned position table). */
  blockSize: number;
  nLayer: number;
  /** C: residual width. */
  nEmbd: number;
  /** H: query heads; the head dim d_h = C / H. */
  nHead: number;
  attention: AttentionKind;
  /** n_g: key/value heads of 'gqa' (divides nHead); implied by the other kinds (mha H, mqa 1). */
  nKvHead?: number;
  /** Sizes for attention 'mla' (default mlaDefaults). */
  mla?: Partial<MlaConfig>;
  positions: PositionKind;
  /** RoPE θ_i = base^(−2i/d) (default 10000). */
  ropeBase?: number;
  norm: NormKind;
  /** Biases in the Linear layers (and LayerNorm). The output head never has one. */
  bias: boolean;
  /** The output head reuses the token embedding (Press & Wolf 2017). */
  tiedHead: boolean;
  /** Dropout on the embeddings, attention output and MLP output (training mode only). */
  dropout: number;
  /** B: sequences per training batch. */
  batchSize: number;
  plantedBug?: PlantedBug;
}

const base = {
  vocabSize: 256, attention: 'mha', positions: 'learned', norm: 'layernorm', bias: true, tiedHead: false, dropout: 0,
} as const satisfies Partial<GptConfig>;

const tiny: GptConfig = { ...base, blockSize: 16, nLayer: 2, nEmbd: 32, nHead: 4, batchSize: 2 };

/** Every preset named tiny* is small enough for the model checks on ref. */
export const GPT_PRESETS = {
  tiny,
  'tiny-rope': { ...tiny, positions: 'rope' },
  'tiny-gqa': { ...tiny, attention: 'gqa', nKvHead: 2, positions: 'rope', norm: 'rmsnorm', bias: false, tiedHead: true },
  'tiny-mqa': { ...tiny, attention: 'mqa' },
  'tiny-mla': { ...tiny, attention: 'mla', mla: { kvRank: 16, qRank: 24, ropeDim: 4, decode: 'absorbed' }, positions: 'rope' },
  /** A few minutes of training on ref: what `zoo train --model gpt --preset small` uses. */
  small: { ...base, blockSize: 32, nLayer: 2, nEmbd: 64, nHead: 4, batchSize: 16 },
  /** Fixed by issue 6: 4 layers, width 256, 4 heads, context 128, bytes, batch 8, learned positions, biases, untied head. */
  bench: { ...base, blockSize: 128, nLayer: 4, nEmbd: 256, nHead: 4, batchSize: 8 },
} as const satisfies Record<string, GptConfig>;

/** d_h = C / H: the per-head dim of queries, keys and values (MLA: of q^C, k^C and v^C). */
export const headDim = (c: GptConfig): number => c.nEmbd / c.nHead;

/** Key/value heads: H for mha, nKvHead for gqa, 1 for mqa (and for mla's shared latent). */
export function kvHeads(c: GptConfig): number {
  if (c.attention === 'mha') return c.nHead;
  if (c.attention === 'gqa') return c.nKvHead ?? c.nHead;
  return 1;
}

/** MLA sizes with defaults d_c = 2 d_h, d'_c = 0, d^R_h = d_h / 2 (rounded up to even), absorbed decoding. */
export function mlaOf(c: GptConfig): MlaConfig {
  const dh = headDim(c);
  const ropeDim = Math.max(2, 2 * Math.ceil(dh / 4));
  return { kvRank: 2 * dh, qRank: 0, ropeDim, decode: 'absorbed', ...c.mla };
}

/**
 * Cache elements per token per layer (spec §4.5 item 4, DeepSeek-V2 Table 1):
 * MHA 2 n_h d_h, GQA 2 n_g d_h, MQA 2 d_h, MLA d_c + d^R_h.
 */
export function kvElementsPerTokenPerLayer(c: GptConfig): number {
  const dh = headDim(c);
  switch (c.attention) {
    case 'mha': return 2 * c.nHead * dh;
    case 'gqa': return 2 * kvHeads(c) * dh;
    case 'mqa': return 2 * dh;
    case 'mla': return mlaOf(c).kvRank + mlaOf(c).ropeDim;
  }
}

/** The same config with another attention kind (gqa keeps nKvHead or uses H/2 groups when H is even). */
export function withAttention(c: GptConfig, attention: AttentionKind): GptConfig {
  const nKvHead = attention === 'gqa' ? (c.attention === 'gqa' ? kvHeads(c) : c.nHead % 2 === 0 ? c.nHead / 2 : 1) : undefined;
  return { ...c, attention, nKvHead };
}

const OWNER = 'gpt';

function positiveInt(name: string, v: unknown): void {
  if (!Number.isSafeInteger(v) || (v as number) < 1) throw new ValueError(OWNER, `config.${name} ${String(v)} must be a positive integer`);
}

/** Throws a ValueError naming the field for a config the model cannot be built from. */
export function validateConfig(c: GptConfig): void {
  for (const k of ['vocabSize', 'blockSize', 'nLayer', 'nEmbd', 'nHead', 'batchSize'] as const) positiveInt(k, c[k]);
  if (c.nEmbd % c.nHead !== 0) throw new ValueError(OWNER, `config.nEmbd ${c.nEmbd} must be divisible by config.nHead ${c.nHead}`);
  if (!['mha', 'gqa', 'mqa', 'mla'].includes(c.attention)) throw new ValueError(OWNER, `config.attention '${c.attention}' must be one of mha, gqa, mqa, mla`);
  if (!['learned', 'rope'].includes(c.positions)) throw new ValueError(OWNER, `config.positions '${c.positions}' must be 'learned' or 'rope'`);
  if (!['layernorm', 'rmsnorm'].includes(c.norm)) throw new ValueError(OWNER, `config.norm '${c.norm}' must be 'layernorm' or 'rmsnorm'`);
  if (!(c.dropout >= 0 && c.dropout < 1)) throw new ValueError(OWNER, `config.dropout ${c.dropout} must lie in [0, 1)`);
  const implied = c.attention === 'mha' ? c.nHead : c.attention === 'mqa' ? 1 : null;
  if (c.nKvHead !== undefined) {
    positiveInt('nKvHead', c.nKvHead);
    if (c.nHead % c.nKvHead !== 0) throw new ValueError(OWNER, `config.nKvHead ${c.nKvHead} must divide config.nHead ${c.nHead}`);
    if (implied !== null && c.nKvHead !== implied) throw new ValueError(OWNER, `config.nKvHead ${c.nKvHead} contradicts attention '${c.attention}' (which has ${implied})`);
  }
  const rope = c.positions === 'rope' || c.attention === 'mla';
  if (rope && c.ropeBase !== undefined && !(c.ropeBase > 0)) throw new ValueError(OWNER, `config.ropeBase ${c.ropeBase} must be positive`);
  if (c.positions === 'rope' && c.attention !== 'mla' && headDim(c) % 2 !== 0) {
    throw new ValueError(OWNER, `RoPE needs an even head dim: nEmbd ${c.nEmbd} / nHead ${c.nHead} = ${headDim(c)}`);
  }
  if (c.attention === 'mla') {
    const m = mlaOf(c);
    positiveInt('mla.kvRank', m.kvRank);
    positiveInt('mla.ropeDim', m.ropeDim);
    if (m.ropeDim % 2 !== 0) throw new ValueError(OWNER, `config.mla.ropeDim ${m.ropeDim} must be even (RoPE rotates pairs)`);
    if (!Number.isSafeInteger(m.qRank) || m.qRank < 0) throw new ValueError(OWNER, `config.mla.qRank ${m.qRank} must be an integer >= 0 (0: no query compression)`);
    if (m.decode !== 'absorbed' && m.decode !== 'naive') throw new ValueError(OWNER, `config.mla.decode '${m.decode}' must be 'absorbed' or 'naive'`);
  }
}
