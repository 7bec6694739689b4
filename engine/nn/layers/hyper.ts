// Hyper-connections: n residual streams x (B, T, n, C) instead of one, and per sublayer F
//   x_next = H_res x + H_postᵀ F(H_pre x)       H_pre, H_post (B, T, n), H_res (B, T, n, n)
// HyperConnection: Zhu et al., "Hyper-Connections", ICLR 2025 (arXiv:2409.19606), static + dynamic
//   (DHC) in mHC's notation (mHC Eq. 5): x̃ = norm(x_j) per stream, for stream j and output stream i
//     H_pre[j]    = α_pre  tanh(θ_pre · x̃_j)  + b_pre[j]
//     H_post[j]   = α_post tanh(θ_post · x̃_j) + b_post[j]
//     H_res[i, j] = α_res  tanh(θ_res_i · x̃_j) + b_res[i, j]
//   init (HC §2.3 Eq. 14): b_pre = e_{k mod n}, b_post = 1, b_res = I, θ = 0, α = 0.01.
// ManifoldHyperConnection: Xie et al. (DeepSeek-AI), "mHC: Manifold-Constrained Hyper-Connections",
//   arXiv:2512.24880, fused form (Eq. 14-19): x⃗ = vec(x) over n·C, r = ‖x⃗‖ / √(nC),
//     [H̃_pre | H̃_post | H̃_res] = (x⃗ φ / r) ∘ [α_pre·1_n | α_post·1_n | α_res·1_n²] + b
//     H_pre = σ(H̃_pre), H_post = 2σ(H̃_post), H_res = Sinkhorn-Knopp(mat(H̃_res), 20 iterations)
//   init (spec §2.6, our choice): φ = 0, b_post = 0, b_res diag 0 / off-diagonal −8, b_pre = +c at
//   stream k mod n and −c elsewhere (c = 4), α = 0.01.
// Spec: /work/shared/specs/mhc-hc-attention.md §1.2-1.7, §2.2-2.6.
//
// Open choices (spec §6), decided here:
//  - HC uses three separate α (mHC's restatement); shareAlphaPreRes gives HC's shared s_α (§6.6).
//  - HC's per-stream norm is RMSNorm with a learnable gain by default; LayerNorm on request (§6.8).
//  - The ε of mHC's r = RMS(x⃗) is 1e-6 (Table 5's 1e-20 is for their bf16/fp32 kernels; §6.7).
//  - Sinkhorn: the paper's form (exp, then column then row normalisation, no ε), so the row sums
//    (forward gain) are exact and the truncation error sits in the column sums (§6.4).
//  - The static parts (b_pre, b_post, b_res; mHC's b) are listed by staticParameters() so an
//    optimizer can leave them out of weight decay (HC §4: "the static component ... does not
//    utilize weight decay, whereas the dynamic component does").
//  - dynamicInitStd (default 0 as the papers): θ / φ ~ N(0, std²). With θ = φ = 0 the gradient of
//    every α is exactly 0 at init (α multiplies x̃θ = 0), so checks that demand a non-zero gradient
//    for every parameter use a small std.
//  - symmetricInit (test switch): every mapping stream-symmetric (HC b_pre = 1/n, mHC b_pre = 0,
//    θ = φ = 0): the streams then stay identical forever (the degeneracy of spec §2.6).
import { fromArray, full, randn, zeros } from '../../creation.js';
import { ShapeError, ValueError, fmtShape } from '../../errors.js';
import { add } from '../../ops/binary/add.js';
import { mul } from '../../ops/binary/mul.js';
import { matmul } from '../../ops/linalg/matmul.js';
import { concat } from '../../ops/movement/concat.js';
import { expand } from '../../ops/movement/expand.js';
import { reshape } from '../../ops/movement/reshape.js';
import { slice } from '../../ops/movement/slice.js';
import { transpose } from '../../ops/movement/transpose.js';
import { unsqueeze } from '../../ops/movement/unsqueeze.js';
import { hcPostRes } from '../../ops/nn/hc_post_res.js';
import { rmsNorm } from '../../ops/nn/rms_norm.js';
import { hcPre } from '../../ops/nn/hc_pre.js';
import { sinkhorn } from '../../ops/nn/sinkhorn.js';
import { sum } from '../../ops/reduce/sum.js';
import { sigmoid } from '../../ops/unary/sigmoid.js';
import { tanh } from '../../ops/unary/tanh.js';
import { keep } from '../../scope.js';
import type { Tensor } from '../../tensor.js';
import { Module } from '../module.js';
import { checkCount, createOptions, layerGen, type LayerOptions } from './layer-options.js';
import { LayerNorm, RMSNorm } from './norm.js';

/** A sublayer wrapped by a hyper-connection: u (B, T, C) -> (B, T, C) (pre-norm inside, spec §1.5). */
export type SublayerFn = (u: Tensor) => Tensor;

export interface HyperConnectionBaseOptions extends LayerOptions {
  /** n: residual streams (expansion rate). */
  streams: number;
  /** C: width of each stream. */
  dim: number;
  /** k: index of the sublayer (2 per transformer block); selects the stream of the one-hot b_pre. */
  layerIndex: number;
  /** Initial α of every gate (default 0.01, mHC Table 5). */
  alpha?: number;
  /** Std of the initial dynamic weights θ / φ (default 0: the papers' init). */
  dynamicInitStd?: number;
  /** Every mapping stream-symmetric at init (test switch, spec §3.3 #15). */
  symmetricInit?: boolean;
}

export interface HyperConnectionOptions extends HyperConnectionBaseOptions {
  /** Learn the input-dependent part (DHC, default true); false: static HC (SHC). */
  dynamic?: boolean;
  /** Per-stream norm before θ (default 'rmsnorm'). */
  norm?: 'rmsnorm' | 'layernorm';
  /** One α for H_pre and H_res (HC's s_α) instead of separate ones (default false). */
  shareAlphaPreRes?: boolean;
  /** ε of the per-stream norm (default 1e-6). */
  eps?: number;
}

export interface ManifoldHyperConnectionOptions extends HyperConnectionBaseOptions {
  /** Sinkhorn-Knopp iterations t_max (default 20). */
  sinkhornIters?: number;
  /** c: b_pre is +c at stream k mod n and −c elsewhere (default 4). */
  preBias?: number;
  /** ε of r = sqrt(mean(x⃗²) + ε) (default 1e-6). */
  eps?: number;
}

/** h (B, T, C) -> n copies (B, T, n, C) (HC §2.1: H⁰ = (h … h)ᵀ). */
export function expandStreams(h: Tensor, n: number): Tensor {
  checkCount('expandStreams', 'n', n, 1);
  if (h.rank !== 3) throw new ShapeError('expandStreams', `h ${fmtShape(h.shape)} must be (B, T, C)`);
  const [B, T, C] = h.shape as [number, number, number];
  return expand(unsqueeze(h, 2), [B, T, n, C]); // (B, T, n, C)
}

/** x (B, T, n, C) -> Σ_i x_i (B, T, C) (HC Algorithm 1: the rows of the last hyper hidden matrix summed). */
export function mergeStreams(x: Tensor): Tensor {
  if (x.rank !== 4) throw new ShapeError('mergeStreams', `x ${fmtShape(x.shape)} must be (B, T, n, C)`);
  return sum(x, { axes: 2 }); // (B, T, C)
}

/** The state both hyper-connections share: shapes, recording, the apply step. */
abstract class HyperConnectionBase extends Module {
  readonly streams: number;
  readonly dim: number;
  readonly layerIndex: number;
  /** When true, forward keeps H_res and its output streams of the last call (lastHres, lastOutput). */
  record = false;
  private lastHres_: Tensor | null = null;
  private lastOutput_: Tensor | null = null;
  private readonly staticNames: string[] = [];

  protected constructor(owner: string, opts: HyperConnectionBaseOptions) {
    super();
    checkCount(owner, 'streams', opts.streams, 1);
    checkCount(owner, 'dim', opts.dim, 1);
    checkCount(owner, 'layerIndex', opts.layerIndex, 0);
    if (opts.alpha !== undefined && !Number.isFinite(opts.alpha)) throw new ValueError(owner, `alpha ${opts.alpha} must be finite`);
    if (opts.dynamicInitStd !== undefined && !(opts.dynamicInitStd >= 0 && Number.isFinite(opts.dynamicInitStd))) {
      throw new ValueError(owner, `dynamicInitStd ${opts.dynamicInitStd} must be a finite number >= 0`);
    }
    this.streams = opts.streams;
    this.dim = opts.dim;
    this.layerIndex = opts.layerIndex;
  }

  /** Registers a static (no weight decay) parameter. */
  protected staticParam(name: string, t: Tensor): Tensor {
    this.staticNames.push(name);
    return this.param(name, t);
  }

  /** The static parts (biases of the mappings): exclude them from weight decay (HC §4). */
  staticParameters(): Tensor[] {
    const own = new Map(this.namedParameters());
    return this.staticNames.map((n) => own.get(n)!);
  }

  /** H_res (B, T, n, n) of the last forward while `record` was on (detached). */
  get lastHres(): Tensor | null {
    return this.lastHres_;
  }

  /** The output streams (B, T, n, C) of the last forward while `record` was on (detached). */
  get lastOutput(): Tensor | null {
    return this.lastOutput_;
  }

  /** Releases the recorded tensors. */
  clearRecord(): void {
    this.lastHres_?.dispose();
    this.lastOutput_?.dispose();
    this.lastHres_ = this.lastOutput_ = null;
  }

  protected checkStreams(owner: string, x: Tensor): [number, number] {
    if (x.rank !== 4 || x.shape[2] !== this.streams || x.shape[3] !== this.dim) {
      throw new ShapeError(owner, `x ${fmtShape(x.shape)}: expected (B, T, n, C) with n = ${this.streams}, C = ${this.dim}`);
    }
    return [x.shape[0]!, x.shape[1]!];
  }

  /** The mappings of x: H_pre (B, T, n), H_post (B, T, n), H_res (B, T, n, n) (each broadcastable). */
  protected abstract mappings(x: Tensor): { pre: Tensor; post: Tensor; res: Tensor };

  /** x (B, T, n, C) streams, F the sublayer -> the next streams (B, T, n, C). */
  forward(x: Tensor, F: SublayerFn): Tensor {
    const [B, T] = this.checkStreams(this.constructor.name, x);
    const n = this.streams, C = this.dim;
    const m = this.mappings(x);
    // The ops take exact per-token shapes: static mappings (n), (n, n) are broadcast first.
    const atShape = (t: Tensor, shape: number[]) => (t.shape.length === shape.length && t.shape.every((d, i) => d === shape[i]) ? t : expand(t, shape));
    const pre = atShape(m.pre, [B, T, n]), post = atShape(m.post, [B, T, n]), res = atShape(m.res, [B, T, n, n]);
    const u = hcPre(pre, x); // (B, T, C)
    const y = F(u);
    if (y.rank !== 3 || y.shape[0] !== B || y.shape[1] !== T || y.shape[2] !== C) {
      throw new ShapeError(this.constructor.name, `the sublayer returned ${fmtShape(y.shape)}, expected (B, T, C) = ${fmtShape([B, T, C])}`);
    }
    const out = hcPostRes(res, x, post, y); // (B, T, n, C)
    if (this.record) {
      this.clearRecord();
      this.lastHres_ = keep(res.detach());
      this.lastOutput_ = keep(out.detach());
    }
    return out;
  }
}

/** HC (static + dynamic), HC paper Eq. 10-14 in mHC's notation (Eq. 5). */
export class HyperConnection extends HyperConnectionBase {
  readonly dynamic: boolean;
  readonly shareAlphaPreRes: boolean;
  /** b_pre (n), b_post (n), b_res (n, n): the static part. */
  readonly bPre: Tensor;
  readonly bPost: Tensor;
  readonly bRes: Tensor;
  /** θ (C, n + 2), columns [pre | post | res_0 … res_{n−1}] (dynamic only). */
  readonly theta: Tensor | null;
  /** α: [pre, post, res] or, shared, [pre = res, post] (dynamic only). */
  readonly alpha: Tensor | null;
  readonly norm: RMSNorm | LayerNorm | null;

  constructor(opts: HyperConnectionOptions) {
    super('HyperConnection', opts);
    const n = this.streams, C = this.dim, k = this.layerIndex;
    const co = createOptions(opts);
    this.dynamic = opts.dynamic ?? true;
    this.shareAlphaPreRes = opts.shareAlphaPreRes ?? false;
    const kind = opts.norm ?? 'rmsnorm';
    if (kind !== 'rmsnorm' && kind !== 'layernorm') throw new ValueError('HyperConnection', `norm '${String(kind)}' must be 'rmsnorm' or 'layernorm'`);
    const pre = new Float64Array(n).fill(opts.symmetricInit ? 1 / n : 0);
    if (!opts.symmetricInit) pre[k % n] = 1;
    const eye = new Float64Array(n * n).map((_, i) => (Math.floor(i / n) === i % n ? 1 : 0));
    this.bPre = this.staticParam('b_pre', fromValues(pre, [n], co));
    this.bPost = this.staticParam('b_post', full([n], 1, co));
    this.bRes = this.staticParam('b_res', fromValues(eye, [n, n], co));
    if (this.dynamic) {
      const no = { dtype: opts.dtype, backend: opts.backend, eps: opts.eps ?? 1e-6 };
      this.norm = this.module('norm', kind === 'rmsnorm' ? new RMSNorm(C, no) : new LayerNorm(C, no));
      const std = opts.symmetricInit ? 0 : opts.dynamicInitStd ?? 0;
      this.theta = this.param('theta', std > 0 ? randn([C, n + 2], { ...co, std, gen: layerGen(opts) }) : zeros([C, n + 2], co));
      this.alpha = this.param('alpha', full([this.shareAlphaPreRes ? 2 : 3], opts.alpha ?? 0.01, co));
    } else {
      this.norm = this.theta = this.alpha = null;
    }
  }

  protected mappings(x: Tensor): { pre: Tensor; post: Tensor; res: Tensor } {
    if (!this.dynamic) return { pre: this.bPre, post: this.bPost, res: this.bRes };
    const n = this.streams;
    const [B, T] = x.shape as [number, number];
    const xn = reshape(this.norm!.forward(x), [B * T * n, this.dim]); // one 2-D product, not B·T tiny ones
    const d = reshape(tanh(matmul(xn, this.theta!)), [B, T, n, n + 2]); // [j, 0] pre, [j, 1] post, [j, 2 + i] res_i
    const col = (a: number, b: number) => slice(d, { starts: [a], ends: [b], axes: [-1] });
    const [aPre, aPost, aRes] = this.shareAlphaPreRes ? [0, 1, 0] : [0, 1, 2];
    const alpha = (i: number) => slice(this.alpha!, { starts: [i], ends: [i + 1] }); // (1)
    const pre = add(mul(reshape(col(0, 1), [...x.shape.slice(0, 3)]), alpha(aPre)), this.bPre); // (B, T, n)
    const post = add(mul(reshape(col(1, 2), [...x.shape.slice(0, 3)]), alpha(aPost)), this.bPost); // (B, T, n)
    const res = add(mul(transpose(col(2, 2 + n), -1, -2), alpha(aRes)), this.bRes); // (B, T, n, n): [i, j] = tanh(θ_res_i · x̃_j)
    return { pre, post, res };
  }
}

/** mHC, fused form (mHC Eq. 14-19). */
export class ManifoldHyperConnection extends HyperConnectionBase {
  readonly sinkhornIters: number;
  readonly eps: number;
  /** φ (nC, n² + 2n), columns [pre (n) | post (n) | res (n², row-major mat)]. */
  readonly phi: Tensor;
  /** b (n² + 2n), same column layout (static). */
  readonly bias: Tensor;
  /** α: [pre, post, res]. */
  readonly alpha: Tensor;

  constructor(opts: ManifoldHyperConnectionOptions) {
    super('ManifoldHyperConnection', opts);
    const n = this.streams, C = this.dim, k = this.layerIndex;
    const co = createOptions(opts);
    this.sinkhornIters = opts.sinkhornIters ?? 20;
    checkCount('ManifoldHyperConnection', 'sinkhornIters', this.sinkhornIters, 1);
    this.eps = opts.eps ?? 1e-6;
    if (!(this.eps >= 0 && Number.isFinite(this.eps))) throw new ValueError('ManifoldHyperConnection', `eps ${this.eps} must be a finite number >= 0`);
    const c = opts.preBias ?? 4;
    if (!Number.isFinite(c)) throw new ValueError('ManifoldHyperConnection', `preBias ${c} must be finite`);
    const width = n * n + 2 * n;
    const b = new Float64Array(width);
    for (let j = 0; j < n; j++) b[j] = opts.symmetricInit ? 0 : j === k % n ? c : -c; // pre
    // post: 0 (2σ(0) = 1); res: 0 on the diagonal, −8 off it (Sinkhorn ≈ I)
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) b[2 * n + i * n + j] = i === j ? 0 : -8;
    const std = opts.symmetricInit ? 0 : opts.dynamicInitStd ?? 0;
    this.phi = this.param('phi', std > 0 ? randn([n * C, width], { ...co, std, gen: layerGen(opts) }) : zeros([n * C, width], co));
    this.bias = this.staticParam('bias', fromValues(b, [width], co));
    this.alpha = this.param('alpha', full([3], opts.alpha ?? 0.01, co));
  }

  protected mappings(x: Tensor): { pre: Tensor; post: Tensor; res: Tensor } {
    const [B, T] = x.shape as [number, number];
    const n = this.streams, C = this.dim;
    // (x⃗ φ) / r computed as (x⃗ / r) φ: the same value (Eq. 14-16 only reorder it for GPU traffic);
    // here the fused rms_norm op (one kernel forward, one backward) is cheaper than r's 5 ops.
    const xn = rmsNorm(reshape(x, [B * T, n * C]), n * C, null, this.eps); // x⃗ / r
    const raw = reshape(matmul(xn, this.phi), [B, T, n * n + 2 * n]); // (B, T, n² + 2n)
    const a = (i: number, len: number) => expand(slice(this.alpha, { starts: [i], ends: [i + 1] }), [len]);
    const scale = concat([a(0, n), a(1, n), a(2, n * n)]); // (n² + 2n): [α_pre·1_n | α_post·1_n | α_res·1_n²]
    const logits = add(mul(raw, scale), this.bias); // (B, T, n² + 2n)
    const part = (s: number, e: number) => slice(logits, { starts: [s], ends: [e], axes: [-1] });
    const pre = sigmoid(part(0, n)); // (B, T, n)
    const post = mul(sigmoid(part(n, 2 * n)), 2); // (B, T, n)
    const res = sinkhorn(reshape(part(2 * n, 2 * n + n * n), [B, T, n, n]), this.sinkhornIters); // (B, T, n, n)
    return { pre, post, res };
  }
}

function fromValues(v: Float64Array, shape: number[], co: ReturnType<typeof createOptions>): Tensor {
  return fromArray(co.dtype === 'float64' ? v : Float32Array.from(v), shape, co.dtype!, { backend: co.backend });
}
