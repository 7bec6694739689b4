// GPT configuration: the typed config, its presets, validation, and the closed-form sizes the
// invariants compare against (head dims, key/value cache elements per token).
// Spec: /work/shared/specs/mhc-hc-attention.md §4.1-4.5 (MHA, GQA, MQA, MLA, RoPE, KV cache), and
// §1-2 for the residual kinds 'hc' (Hyper-Connections) and 'mhc' (Manifold-Constrained HC).
import { ValueError } from '../../engine/index.js';

/** 'mha' H kv heads, 'gqa' nKvHead groups, 'mqa' one kv head, 'mla' low-rank latent KV (DeepSeek-V2). */
export type AttentionKind = 'mha' | 'gqa' | 'mqa' | 'mla';
/** 'learned': a position table added to the token embedding (GPT-2); 'rope': rotary q/k (RoFormer). */
export type PositionKind = 'learned' | 'rope';
export type NormKind = 'layernorm' | 'rmsnorm';
/** 'plain': one residual stream; 'hc': n streams with hyper-connections; 'mhc': manifold-constrained (spec §1, §2). */
export type ResidualKind = 'plain' | 'hc' | 'mhc';

/** Hyper-connection options (engine/nn/layers/hyper.ts; spec §1.4, §2.6). */
export interface HcConfig {
  /** mHC Sinkhorn-Knopp iterations t_max (default 20). */
  sinkhornIters?: number;
  /** Initial gating factor α (default 0.01). */
  alpha?: number;
  /** How the streams are merged before the final norm (only 'sum', HC Algorithm 1). */
  merge?: 'sum';
  /** HC only: the input-dependent part (DHC, default true); false: static HC. */
  dynamic?: boolean;
  /** mHC: c of b_pre = +c at stream k mod n, −c elsewhere (default 4). */
  preBias?: number;
  /** Test-only: every mapping stream-symmetric (the streams then never diverge; spec §3.3 #15). */
  symmetricInit?: boolean;
  /** HC only: one α for H_pre and H_res (HC's s_α) instead of three (default false). */
  shareAlphaPreRes?: boolean;
  /**
   * Std of the initial dynamic weights θ (HC) / φ (mHC); default 0, the papers' init. The tiny
   * presets use 0.02: with 0 the gradient of every α is exactly 0 at init, which the model checks
   * (every parameter gets a non-zero gradient) would reject, and the gradient checks would only
   * see the linearisation at θ = φ = 0.
   */
  dynamicInitStd?: number;
}

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
  /** Residual connection kind (default 'plain'). */
  residual?: ResidualKind;
  /** n: residual streams of 'hc' / 'mhc' (default 4; ignored for 'plain'). */
  streams?: number;
  hc?: HcConfig;
  /**
   * ε of every LayerNorm / RMSNorm of the model (default: LayerNorm 1e-5, RMSNorm 1e-6). The
   * init-equivalence tests set 0: HC/mHC at init equal the plain model exactly only when every norm
   * is scale invariant (the streams enter F scaled by Σ H_pre, and the merge sums n streams).
   */
  normEps?: number;
}

const base = {
  vocabSize: 256, attention: 'mha', positions: 'learned', norm: 'layernorm', bias: true, tiedHead: false, dropout: 0,
} as const satisfies Partial<GptConfig>;

const tiny: GptConfig = { ...base, blockSize: 16, nLayer: 2, nEmbd: 32, nHead: 4, batchSize: 2 };

const bench: GptConfig = { ...base, blockSize: 128, nLayer: 4, nEmbd: 256, nHead: 4, batchSize: 8 };
/** The tiny hyper-connection presets start with small random θ / φ (see HcConfig.dynamicInitStd). */
const tinyHc = { streams: 4, hc: { dynamicInitStd: 0.02 } } as const;

/** Every preset named tiny* is small enough for the model checks on ref. */
export const GPT_PRESETS = {
  tiny,
  'tiny-rope': { ...tiny, positions: 'rope' },
  'tiny-gqa': { ...tiny, attention: 'gqa', nKvHead: 2, positions: 'rope', norm: 'rmsnorm', bias: false, tiedHead: true },
  'tiny-mqa': { ...tiny, attention: 'mqa' },
  'tiny-mla': { ...tiny, attention: 'mla', mla: { kvRank: 16, qRank: 24, ropeDim: 4, decode: 'absorbed' }, positions: 'rope' },
  'tiny-hc': { ...tiny, residual: 'hc', ...tinyHc },
  'tiny-mhc': { ...tiny, residual: 'mhc', ...tinyHc },
  /** A few minutes of training on ref: what `zoo train --model gpt --preset small` uses. */
  small: { ...base, blockSize: 32, nLayer: 2, nEmbd: 64, nHead: 4, batchSize: 16 },
  /** Fixed by issue 6: 4 layers, width 256, 4 heads, context 128, bytes, batch 8, learned positions, biases, untied head. */
  bench,
  /** `bench` with n = 4 hyper-connection streams (issue 9). */
  hc: { ...bench, residual: 'hc', streams: 4 },
  /** `bench` with n = 4 manifold-constrained hyper-connection streams (issue 9). */
  mhc: { ...bench, residual: 'mhc', streams: 4 },
} as const satisfies Record<string, GptConfig>;

/** The residual kind ('plain' by default). */
export const residualOf = (c: GptConfig): ResidualKind => c.residual ?? 'plain';

/** n: residual streams (1 for 'plain'). */
export const streamsOf = (c: GptConfig): number => (residualOf(c) === 'plain' ? 1 : c.streams ?? 4);

/** Hyper-connection sublayers: one around attention and one around the MLP per block (HC App. B). */
export const hcSublayers = (c: GptConfig): number => (residualOf(c) === 'plain' ? 0 : 2 * c.nLayer);

/**
 * Parameters of one hyper-connection sublayer (spec §1.7, §3.3 #16):
 *   mhc: φ nC·(n² + 2n) + b (n² + 2n) + 3 α (the RMSNorm gain is folded into φ);
 *   hc:  static b_pre, b_post, b_res n·(n + 2); dynamic adds the per-stream RMSNorm gain C,
 *        θ C·(n + 2) and 3 α (2 with shareAlphaPreRes; HC App. B Eq. 21-26 counts 2).
 */
export function hcParametersPerSublayer(c: GptConfig): number {
  const n = streamsOf(c), C = c.nEmbd;
  switch (residualOf(c)) {
    case 'plain': return 0;
    case 'mhc': return n * C * (n * n + 2 * n) + (n * n + 2 * n) + 3;
    case 'hc': return n * (n + 2) + ((c.hc?.dynamic ?? true) ? C + C * (n + 2) + (c.hc?.shareAlphaPreRes ? 2 : 3) : 0);
  }
}

/**
 * Multiply-accumulates per token of one hyper-connection sublayer: the coefficients (mhc: x⃗ φ,
 * nC·(n² + 2n); dynamic hc: x̃_j θ per stream, n·C·(n + 2)), H_pre x (nC), H_res x (n²C) and
 * H_postᵀ y (nC). Norms, sigmoids and Sinkhorn are O(n²) per token and not counted.
 */
export function hcMacsPerSublayer(c: GptConfig): number {
  const n = streamsOf(c), C = c.nEmbd;
  const apply = n * C + n * n * C + n * C;
  switch (residualOf(c)) {
    case 'plain': return 0;
    case 'mhc': return n * C * (n * n + 2 * n) + apply;
    case 'hc': return ((c.hc?.dynamic ?? true) ? n * C * (n + 2) : 0) + apply;
  }
}

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
  if (!['plain', 'hc', 'mhc'].includes(residualOf(c))) throw new ValueError(OWNER, `config.residual '${c.residual}' must be one of plain, hc, mhc`);
  if (c.streams !== undefined) positiveInt('streams', c.streams);
  if (c.normEps !== undefined && !(c.normEps >= 0 && Number.isFinite(c.normEps))) throw new ValueError(OWNER, `config.normEps ${c.normEps} must be a finite number >= 0`);
  const hc = c.hc ?? {};
  if (hc.sinkhornIters !== undefined) positiveInt('hc.sinkhornIters', hc.sinkhornIters);
  for (const k of ['alpha', 'preBias'] as const) {
    if (hc[k] !== undefined && !Number.isFinite(hc[k])) throw new ValueError(OWNER, `config.hc.${k} ${hc[k]} must be a finite number`);
  }
  if (hc.dynamicInitStd !== undefined && !(hc.dynamicInitStd >= 0 && Number.isFinite(hc.dynamicInitStd))) {
    throw new ValueError(OWNER, `config.hc.dynamicInitStd ${hc.dynamicInitStd} must be a finite number >= 0`);
  }
  if (hc.merge !== undefined && hc.merge !== 'sum') throw new ValueError(OWNER, `config.hc.merge '${hc.merge}' must be 'sum' (the only merge implemented)`);
  if (c.attention === 'mla') {
    const m = mlaOf(c);
    positiveInt('mla.kvRank', m.kvRank);
    positiveInt('mla.ropeDim', m.ropeDim);
    if (m.ropeDim % 2 !== 0) throw new ValueError(OWNER, `config.mla.ropeDim ${m.ropeDim} must be even (RoPE rotates pairs)`);
    if (!Number.isSafeInteger(m.qRank) || m.qRank < 0) throw new ValueError(OWNER, `config.mla.qRank ${m.qRank} must be an integer >= 0 (0: no query compression)`);
    if (m.decode !== 'absorbed' && m.decode !== 'naive') throw new ValueError(OWNER, `config.mla.decode '${m.decode}' must be 'absorbed' or 'naive'`);
  }
}
