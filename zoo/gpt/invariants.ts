// GPT family invariants (issue 6; spec §4.5): causality, KV-cache decoding equals the full forward,
// GQA's limits are MHA and MQA, absorbed MLA equals naive MLA, cache size per token equals the
// closed form, and RoPE is a relative-position rotation. Each runs in float64 on a model built by
// the context, and throws GptInvariantError naming the attention kind and the size of the miss.
// Checks that concern every attention kind derive the four variants from the context's config, so
// any one preset covers mha, gqa, mqa and mla; the hyper-connection invariant likewise derives the
// hc and mhc variants of any preset.
import {
  Generator, ZooError, concat, expand, fromArray, itemSize, noGrad, randn, reshape, slice, tidy, type Tensor,
} from '../../engine/index.js';
import type { Invariant, InvariantContext } from '../model.js';
import type { Rotary } from './attention.js';
import { kvElementsPerTokenPerLayer, kvHeads, headDim, withAttention, type AttentionKind, type GptConfig } from './config.js';
import { hcDiagnostics } from './hc-diagnostics.js';
import type { MlaPath } from './mla.js';
import type { GPT } from './model.js';

export class GptInvariantError extends ZooError {}

type Ctx = InvariantContext<GptConfig, GPT>;
type GptInvariant = Invariant<GptConfig, GPT>;

const KINDS: readonly AttentionKind[] = ['mha', 'gqa', 'mqa', 'mla'];
/** float64 throughout: equal computations agree to rounding (~1e-15); a real bug moves logits by ≫ 1e-6. */
const TOL = 1e-9;

const fail = (msg: string): never => {
  throw new GptInvariantError('gpt', msg);
};

/** The context's config first, then the other attention kinds with the same sizes. */
function variants(c: GptConfig): GptConfig[] {
  return [c, ...KINDS.filter((k) => k !== c.attention).map((k) => withAttention(c, k))];
}

const label = (c: GptConfig) => `${c.attention}${c.attention === 'gqa' ? `(n_g=${kvHeads(c)})` : ''}/${c.positions}`;

interface Tokens {
  ids: Int32Array;
  B: number;
  T: number;
}

/** The first validation batch's tokens (B, T) as host data. */
function tokensOf(ctx: Ctx): Tokens {
  const t = ctx.data.valBatches()[0]!['tokens']!;
  return { ids: Int32Array.from(t.dataSync()), B: t.shape[0]!, T: t.shape[1]! };
}

const build = (ctx: Ctx, c: GptConfig): GPT => ctx.build(c, { dtype: 'float64' }).eval();

function idsTensor(model: GPT, ids: Int32Array, B: number, T: number): Tensor {
  return fromArray(ids, [B, T], 'int32', { backend: model.wte.weight.backend });
}

/** Full causal forward: logits (B, T, V) as host data. */
function logits(model: GPT, tok: Tokens, mlaPath?: MlaPath): Float64Array {
  return tidy(() => noGrad(() => Float64Array.from(model.forward(idsTensor(model, tok.ids, tok.B, tok.T), { mlaPath }).dataSync())));
}

/** Prefill `prefill` tokens into a cache, then feed one token per call; logits (B, T, V) assembled. */
function decodedLogits(model: GPT, tok: Tokens, prefill: number, opts: { mlaPath?: MlaPath; maxLength?: number } = {}): Float64Array {
  const { B, T } = tok, V = model.config.vocabSize;
  const out = new Float64Array(B * T * V);
  const cache = model.createCache({ batch: B, maxLength: opts.maxLength });
  try {
    for (let t0 = 0; t0 < T;) {
      const n = t0 === 0 ? prefill : 1;
      const ids = new Int32Array(B * n);
      for (let b = 0; b < B; b++) ids.set(tok.ids.subarray(b * T + t0, b * T + t0 + n), b * n);
      const got = tidy(() => noGrad(() => model.forward(idsTensor(model, ids, B, n), { cache, mlaPath: opts.mlaPath }).dataSync()));
      for (let b = 0; b < B; b++) out.set(got.subarray(b * n * V, (b + 1) * n * V), (b * T + t0) * V);
      t0 += n;
    }
  } finally {
    cache.reset();
  }
  return out;
}

/** max |a − b| over the (b, t) rows in `rows`, relative to max |b| there. */
function rowDiff(a: Float64Array, b: Float64Array, V: number, rows: Iterable<number>): number {
  let diff = 0, scale = 0;
  for (const r of rows) {
    for (let i = r * V; i < (r + 1) * V; i++) {
      diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
      scale = Math.max(scale, Math.abs(b[i]!));
    }
  }
  return diff / (scale || 1);
}

const allRows = (tok: Tokens) => Array.from({ length: tok.B * tok.T }, (_, i) => i);
const rowsAt = (tok: Tokens, pred: (t: number) => boolean) => allRows(tok).filter((r) => pred(r % tok.T));

function expectClose(what: string, err: number, tol = TOL): void {
  if (!(err <= tol)) fail(`${what}: differs by ${err.toExponential(2)} relative (tolerance ${tol})`);
}

export const causality: GptInvariant = {
  name: 'changing token t never changes the logits before t',
  check(ctx) {
    const tok = tokensOf(ctx), V = ctx.config.vocabSize;
    for (const c of variants(ctx.config)) {
      const model = build(ctx, c);
      const base = logits(model, tok);
      for (const t of new Set([1, tok.T >> 1, tok.T - 1])) {
        const ids = tok.ids.slice();
        for (let b = 0; b < tok.B; b++) ids[b * tok.T + t] = (ids[b * tok.T + t]! + 1) % V;
        const changed = logits(model, { ...tok, ids });
        expectClose(`${label(c)}: changing token ${t} changed the logits before it`, rowDiff(changed, base, V, rowsAt(tok, (s) => s < t)));
        if (!(rowDiff(changed, base, V, rowsAt(tok, (s) => s === t)) > 1e-6)) fail(`${label(c)}: changing token ${t} did not change its own logits (vacuous check)`);
      }
    }
  },
};

export const kvCacheDecoding: GptInvariant = {
  name: 'KV-cache decoding (prefill, then one token at a time) equals the full causal forward',
  check(ctx) {
    const tok = tokensOf(ctx), V = ctx.config.vocabSize, prefill = Math.max(1, tok.T >> 1);
    for (const c of variants(ctx.config)) {
      const model = build(ctx, c);
      const full = logits(model, tok);
      const paths: (MlaPath | undefined)[] = c.attention === 'mla' ? ['naive', 'absorbed'] : [undefined];
      for (const mlaPath of paths) {
        const what = `${label(c)}${mlaPath ? ` ${mlaPath}` : ''}: KV-cache decoding (prefill ${prefill})`;
        expectClose(`${what}, growing cache`, rowDiff(decodedLogits(model, tok, prefill, { mlaPath }), full, V, allRows(tok)));
        expectClose(`${what}, preallocated cache`, rowDiff(decodedLogits(model, tok, 1, { mlaPath, maxLength: tok.T }), full, V, allRows(tok)));
      }
    }
  },
};

/** gqa's c_attn rows (q | Hkv k heads | Hkv v heads) with each kv head repeated for its H/Hkv query heads. */
function repeatKvRows(w: Tensor, H: number, Hkv: number, D: number): Tensor {
  const rest = w.shape.slice(1), G = H / Hkv;
  const rows = (a: number, b: number) => slice(w, { starts: [a], ends: [b], axes: [0] });
  const rep = (a: number) => reshape(expand(reshape(rows(a, a + Hkv * D), [Hkv, 1, D, ...rest]), [Hkv, G, D, ...rest]), [H * D, ...rest]); // (H·D, ...)
  return concat([rows(0, H * D), rep(H * D), rep((H + Hkv) * D)], { axis: 0 });
}

/** The logits of `to` after loading `from`'s weights (c_attn with kv heads repeated when the head counts differ). */
function transplanted(from: GPT, to: GPT, tok: Tokens): Float64Array {
  const [H, Hkv, D] = [from.config.nHead, kvHeads(from.config), headDim(from.config)];
  tidy(() => noGrad(() => {
    const sd: Record<string, Tensor> = { ...from.stateDict() };
    if (kvHeads(to.config) !== Hkv) {
      for (const k of Object.keys(sd)) if (/\.attn\.c_attn\.(weight|bias)$/.test(k)) sd[k] = repeatKvRows(sd[k]!, H, Hkv, D);
    }
    to.loadStateDict(sd);
  }));
  return logits(to, tok);
}

export const groupedQueryLimits: GptInvariant = {
  name: 'GQA with n_kv_heads = n_heads equals MHA, with 1 equals MQA, and equals MHA with its kv heads repeated',
  check(ctx) {
    const tok = tokensOf(ctx), V = ctx.config.vocabSize, H = ctx.config.nHead;
    const gqa = (n: number): GptConfig => ({ ...ctx.config, attention: 'gqa', nKvHead: n });
    const pairs: [GptConfig, GptConfig, string][] = [
      [gqa(H), withAttention(ctx.config, 'mha'), `GQA(n_g = ${H}) vs MHA`],
      [gqa(1), withAttention(ctx.config, 'mqa'), 'GQA(n_g = 1) vs MQA'],
      [withAttention(ctx.config, 'gqa'), withAttention(ctx.config, 'mha'), 'GQA vs MHA with repeated kv heads'],
    ];
    for (const [a, b, what] of pairs) {
      const ga = build(ctx, a);
      expectClose(what, rowDiff(transplanted(ga, build(ctx, b), tok), logits(ga, tok), V, allRows(tok)));
    }
  },
};

export const absorbedMla: GptInvariant = {
  name: 'absorbed MLA equals naive MLA (full forward and cached decoding)',
  check(ctx) {
    const tok = tokensOf(ctx), V = ctx.config.vocabSize;
    const model = build(ctx, withAttention(ctx.config, 'mla'));
    const naive = logits(model, tok, 'naive');
    expectClose('MLA absorbed vs naive, full forward', rowDiff(logits(model, tok, 'absorbed'), naive, V, allRows(tok)));
    expectClose('MLA absorbed decoding vs naive forward', rowDiff(decodedLogits(model, tok, 1, { mlaPath: 'absorbed' }), naive, V, allRows(tok)));
  },
};

export const cacheSize: GptInvariant = {
  name: 'KV-cache elements and bytes per token equal the closed form (MHA 2 n_h d_h, GQA 2 n_g d_h, MQA 2 d_h, MLA d_c + d^R_h per layer)',
  check(ctx) {
    const tok = tokensOf(ctx);
    for (const c of variants(ctx.config)) {
      const want = c.nLayer * kvElementsPerTokenPerLayer(c);
      for (const dtype of ['float32', 'float64'] as const) {
        const model = ctx.build(c, { dtype }).eval();
        const grow = model.createCache({ batch: tok.B });
        if (grow.elementsPerToken() !== want) fail(`${label(c)}: cache holds ${grow.elementsPerToken()} elements per token, the formula ${want}`);
        if (model.cacheBytesPerToken() !== want * itemSize(dtype)) fail(`${label(c)} ${dtype}: ${model.cacheBytesPerToken()} cache bytes per token, expected ${want * itemSize(dtype)}`);
        const pre = model.createCache({ batch: tok.B, maxLength: tok.T });
        for (const [cache, expected] of [[grow, tok.B * tok.T * want], [pre, tok.B * tok.T * want]] as const) {
          tidy(() => noGrad(() => model.forward(idsTensor(model, tok.ids, tok.B, tok.T), { cache })));
          if (cache.allocatedElements() !== expected) fail(`${label(c)}: after ${tok.T} tokens the buffers hold ${cache.allocatedElements()} elements, expected ${expected}`);
          cache.reset();
        }
      }
    }
  },
};

/** ⟨a, b⟩ of two (1, 1, 1, d) tensors. */
function dot(a: Tensor, b: Tensor): number {
  const x = a.dataSync(), y = b.dataSync();
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * y[i]!;
  return s;
}

/** Position 0 is the identity, norms are kept, and ⟨R_m q, R_n k⟩ = ⟨R_{m+s} q, R_{n+s} k⟩. */
function checkRotary(rot: Rotary, d: number, what: string): void {
  tidy(() => noGrad(() => {
    const gen = new Generator(11);
    const q = randn([1, 1, 1, d], { gen, dtype: 'float64' }), k = randn([1, 1, 1, d], { gen, dtype: 'float64' });
    const sides = [['query', q, (x: Tensor, p: number) => rot.query(x, p)], ['key', k, (x: Tensor, p: number) => rot.key(x, p)]] as const;
    for (const [name, x, rotate] of sides) {
      const at0 = rotate(x, 0), at7 = rotate(x, 7), xx = dot(x, x);
      const moved = Math.sqrt(Math.max(0, dot(at0, at0) - 2 * dot(at0, x) + xx)); // ‖R_0 x − x‖
      if (!(moved <= 1e-12 * Math.sqrt(xx))) fail(`${what}: RoPE at position 0 moves the ${name} by ${moved.toExponential(2)}, it must be the identity`);
      if (!(Math.abs(dot(at7, at7) - xx) <= 1e-12 * xx)) fail(`${what}: RoPE at position 7 changes the ${name}'s squared norm from ${xx} to ${dot(at7, at7)}`);
    }
    for (const [m, n, s] of [[0, 3, 5], [4, 1, 9], [2, 2, 13]] as const) {
      const a = dot(rot.query(q, m), rot.key(k, n)), b = dot(rot.query(q, m + s), rot.key(k, n + s));
      if (!(Math.abs(a - b) <= 1e-12 * (Math.abs(a) + 1))) fail(`${what}: q·k at positions (${m}, ${n}) is ${a} but at (${m + s}, ${n + s}) it is ${b}: not a function of n − m`);
    }
  }));
}

export const ropeRelative: GptInvariant = {
  name: 'RoPE at position 0 is the identity, keeps norms, and q·k depends only on the relative position',
  check(ctx) {
    for (const c of [{ ...withAttention(ctx.config, ctx.config.attention === 'mla' ? 'mha' : ctx.config.attention), positions: 'rope' as const }, withAttention(ctx.config, 'mla')]) {
      const attn = build(ctx, c).h.at(0).attn;
      const d = 'sizes' in attn ? attn.sizes.ropeDim : attn.headDim;
      checkRotary(attn.rotary!, d, label(c));
    }
  },
};

/** The first `B` sequences of the validation batch as a tensor (B, T). */
const firstRows = (model: GPT, tok: Tokens, B: number): Tensor => idsTensor(model, tok.ids.subarray(0, B * tok.T), B, tok.T);

/**
 * Hyper-connections (spec §3.3 #12, #13), for any preset (the context's config with residual
 * hc / mhc, n = its streams or 4): (a) with random φ the mHC composite forward gain is 1 at every
 * sublayer (Sinkhorn ends with row normalisation); (b) at the papers' init, with scale-invariant
 * norms (normEps 0), HC and mHC give the logits of the plain pre-norm model with the same F weights.
 */
export const hyperConnectionInvariants: GptInvariant = {
  name: 'mHC composite forward gain is 1; HC and mHC at init equal the plain pre-norm model',
  check(ctx) {
    const tok = tokensOf(ctx);
    const base: GptConfig = { ...ctx.config, streams: ctx.config.streams ?? 4 };
    const mhc = build(ctx, { ...base, residual: 'mhc', hc: { dynamicInitStd: 0.5, alpha: 1 } });
    const r = tidy(() => hcDiagnostics(mhc, firstRows(mhc, tok, 1)));
    const worst = Math.max(...r.composite.fwd.map((g) => Math.abs(g - 1)));
    if (!(worst <= 1e-12)) fail(`mhc: composite forward gain deviates from 1 by ${worst.toExponential(2)} (peak ${r.peak.fwd})`);
    const plainCfg: GptConfig = { ...base, residual: 'plain', hc: undefined, normEps: 0 };
    const plain = build(ctx, plainCfg);
    const want = logits(plain, tok);
    for (const residual of ['hc', 'mhc'] as const) {
      const hyper = build(ctx, { ...plainCfg, residual });
      const own = hyper.stateDict();
      for (const [k, t] of Object.entries(plain.stateDict())) {
        if (!own[k]) fail(`${residual}: the plain model's ${k} has no counterpart`);
        own[k]!.assign(t);
      }
      const got = logits(hyper, tok);
      let d = 0;
      for (let i = 0; i < want.length; i++) d = Math.max(d, Math.abs(want[i]! - got[i]!));
      if (!(d <= TOL)) fail(`${residual}: at init the logits differ from the plain model's by ${d.toExponential(2)} (tolerance ${TOL})`);
    }
  },
};

export const GPT_INVARIANTS: readonly GptInvariant[] = [causality, kvCacheDecoding, groupedQueryLimits, absorbedMla, cacheSize, ropeRelative, hyperConnectionInvariants];
