// GPT: a decoder-only, pre-norm transformer over tokens (nanoGPT's model.py, read top to bottom),
// with MHA/GQA/MQA (attention.ts) or MLA (mla.ts) attention, learned or rotary positions, a
// key/value cache for incremental decoding, and sampling (sample.ts).
// Paper: Radford et al. 2019, "Language Models are Unsupervised Multitask Learners" (GPT-2);
// code: karpathy/nanoGPT model.py.
//
//   x = drop(wte[idx] + wpe[offset + t])            (B, T, C)     (no wpe with positions 'rope')
//   x = x + attn(ln_1(x)),  x = x + mlp(ln_2(x))    per block     (attn and mlp end in dropout)
//   logits = ln_f(x) W_headᵀ                        (B, T, V)     (W_head = wte with a tied head)
// Init as GPT-2: Linear and Embedding weights N(0, 0.02²), biases 0, and the projections back into
// the residual stream (c_proj, wo) N(0, (0.02/√(2 L))²).
//
// Residual 'hc' / 'mhc' (issue 9; spec §1.5, §2.5): n residual streams, a hyper-connection around
// each sublayer, k = sublayer index (2 per block: attention 2i, MLP 2i + 1):
//   x = expand(drop(wte[idx] + wpe[...]), n)                (B, T, n, C)
//   x = HC_2i(x, u -> attn(ln_1(u))),  x = HC_2i+1(x, u -> mlp(ln_2(u)))     (pre-norm inside F)
//   logits = ln_f(Σ_i x_i) W_headᵀ                          (sum merge, HC Algorithm 1)
// Open choices (spec §6; the module-level ones are documented in engine/nn/layers/hyper.ts):
//  - merge: the sum of the streams (HC); DeepSeek's learned head merge is not implemented (§6.2).
//  - HC's "scale the output module's std by √n" is not applied: its direction is not stated (§6.5).
//  - The HC / mHC modules draw their random init (dynamicInitStd > 0) from a generator of their own,
//    so a plain and a hyper-connected model of the same seed share every F weight.
//  - Weight decay: paramGroups() leaves out 1-D tensors (biases, norm gains, α) and the static parts
//    of the hyper-connections (HC §4), nanoGPT's configure_optimizers rule.
import {
  Dropout, Embedding, HyperConnection, KVCache, LayerNorm, Linear, ManifoldHyperConnection, Module, ModuleList, RMSNorm, ShapeError,
  ValueError, add, arange, expandStreams, fmtShape, init, itemSize, linear, mergeStreams, noGrad, rand, slice, tensor, tidy,
  type FloatDType, type Generator, type Tensor,
} from '../../engine/index.js';
import type { BuildOptions } from '../model.js';
import { CausalSelfAttention, type LayerBuild } from './attention.js';
import { mlaOf, residualOf, streamsOf, validateConfig, type GptConfig } from './config.js';
import { MultiHeadLatentAttention, type MlaPath } from './mla.js';
import { checkSampling, drawIndex, nextTokenProbs, type SamplingOptions } from './sample.js';

/** Per-layer key/value caches of one batch of sequences; `length` tokens are cached. */
export class GptCache {
  constructor(readonly layers: readonly KVCache[]) {}

  /** Tokens cached so far: the absolute position of the next token. */
  get length(): number {
    return this.layers[0]?.length ?? 0;
  }

  /** Cache elements per token over all layers (per sequence of the batch). */
  elementsPerToken(): number {
    return this.layers.reduce((s, l) => s + l.elementsPerToken(), 0);
  }

  bytesPerToken(): number {
    return this.layers.reduce((s, l) => s + l.bytesPerToken(), 0);
  }

  /** Elements held in the buffers now, over all layers. */
  allocatedElements(): number {
    return this.layers.reduce((s, l) => s + l.allocatedElements(), 0);
  }

  reset(): void {
    for (const l of this.layers) l.reset();
  }
}

export interface GptForwardOptions {
  /** Earlier tokens' keys and values; idx holds the tokens that follow them, which are appended. */
  cache?: GptCache | null;
  /** MLA only: default config.mla.decode with a cache, 'naive' without. */
  mlaPath?: MlaPath;
}

export interface GenerateOptions extends SamplingOptions {
  maxNewTokens: number;
  /** Source of the uniform draws (advanced by one draw per token). */
  gen: Generator;
}

type BlockCall = { offset: number; causal: boolean; cache: KVCache | null; mlaPath: MlaPath };

function makeNorm(c: GptConfig, b: LayerBuild): LayerNorm | RMSNorm {
  const opts = { dtype: b.dtype, backend: b.backend };
  return c.norm === 'layernorm'
    ? new LayerNorm(c.nEmbd, { ...opts, bias: c.bias, eps: c.normEps ?? 1e-5 })
    : new RMSNorm(c.nEmbd, { ...opts, eps: c.normEps ?? 1e-6 });
}

export type HyperModule = HyperConnection | ManifoldHyperConnection;

/** The hyper-connection around sublayer k (null for residual 'plain'). */
function makeHyper(c: GptConfig, b: LayerBuild, hcGen: Generator, k: number): HyperModule | null {
  const kind = residualOf(c);
  if (kind === 'plain') return null;
  const hc = c.hc ?? {};
  const opts = {
    streams: streamsOf(c), dim: c.nEmbd, layerIndex: k, alpha: hc.alpha, dynamicInitStd: hc.dynamicInitStd, symmetricInit: hc.symmetricInit,
    gen: hcGen, dtype: b.dtype, backend: b.backend,
  };
  return kind === 'hc'
    ? new HyperConnection({ ...opts, dynamic: hc.dynamic, shareAlphaPreRes: hc.shareAlphaPreRes })
    : new ManifoldHyperConnection({ ...opts, sinkhornIters: hc.sinkhornIters, preBias: hc.preBias });
}

/** c_fc (C -> 4C), GELU (erf form), c_proj (4C -> C), dropout. */
class Mlp extends Module {
  private readonly cFc: Linear;
  private readonly cProj: Linear;
  private readonly drop: Dropout;
  constructor(c: GptConfig, b: LayerBuild) {
    super();
    const opts = { bias: c.bias, gen: b.gen, dtype: b.dtype, backend: b.backend };
    // GELU runs in c_fc's GEMM epilogue (the linear op's fused activation).
    this.cFc = this.module('c_fc', new Linear(c.nEmbd, 4 * c.nEmbd, { ...opts, activation: 'gelu' }));
    this.cProj = this.module('c_proj', new Linear(4 * c.nEmbd, c.nEmbd, opts));
    this.drop = this.module('dropout', new Dropout(c.dropout, { gen: b.dropGen }));
  }
  forward(x: Tensor): Tensor {
    return this.drop.forward(this.cProj.forward(this.cFc.forward(x))); // (B, T, C)
  }
}

class Block extends Module {
  private readonly ln1: LayerNorm | RMSNorm;
  readonly attn: CausalSelfAttention | MultiHeadLatentAttention;
  private readonly ln2: LayerNorm | RMSNorm;
  private readonly mlp: Mlp;
  /** Hyper-connections around attention (sublayer 2i) and the MLP (2i + 1); null for 'plain'. */
  readonly hcAttn: HyperModule | null;
  readonly hcMlp: HyperModule | null;
  constructor(c: GptConfig, b: LayerBuild, index: number, hcGen: Generator) {
    super();
    this.ln1 = this.module('ln_1', makeNorm(c, b));
    this.attn = this.module('attn', c.attention === 'mla' ? new MultiHeadLatentAttention(c, b) : new CausalSelfAttention(c, b));
    this.ln2 = this.module('ln_2', makeNorm(c, b));
    this.mlp = this.module('mlp', new Mlp(c, b));
    const hcAttn = makeHyper(c, b, hcGen, 2 * index), hcMlp = makeHyper(c, b, hcGen, 2 * index + 1);
    this.hcAttn = hcAttn && this.module('hc_attn', hcAttn);
    this.hcMlp = hcMlp && this.module('hc_mlp', hcMlp);
  }
  /** Attention sublayer F(u) = attn(ln_1(u)), u (B, T, C). */
  private attnBranch(u: Tensor, call: BlockCall): Tensor {
    const h = this.ln1.forward(u);
    return this.attn instanceof MultiHeadLatentAttention ? this.attn.forward(h, { ...call, path: call.mlaPath }) : this.attn.forward(h, call);
  }
  /** x (B, T, C) for 'plain', the streams (B, T, n, C) otherwise. */
  forward(x: Tensor, call: BlockCall): Tensor {
    if (this.hcAttn && this.hcMlp) {
      const y = this.hcAttn.forward(x, (u) => this.attnBranch(u, call)); // (B, T, n, C)
      return this.hcMlp.forward(y, (u) => this.mlp.forward(this.ln2.forward(u))); // (B, T, n, C)
    }
    const y = add(x, this.attnBranch(x, call)); // (B, T, C)
    return add(y, this.mlp.forward(this.ln2.forward(y))); // (B, T, C)
  }
}

export class GPT extends Module {
  readonly config: GptConfig;
  readonly dtype: FloatDType;
  readonly wte: Embedding;
  readonly wpe: Embedding | null;
  readonly h: ModuleList<Block>;
  private readonly drop: Dropout;
  private readonly lnF: LayerNorm | RMSNorm;
  private readonly lmHead: Linear | null;

  constructor(config: GptConfig, gen: Generator, opts: BuildOptions = {}) {
    super();
    validateConfig(config);
    this.config = config;
    this.dtype = opts.dtype ?? 'float32';
    const b: LayerBuild = { gen, dropGen: gen.fork(1), dtype: this.dtype, backend: opts.backend };
    const emb = { gen, dtype: this.dtype, backend: opts.backend };
    this.wte = this.module('wte', new Embedding(config.vocabSize, config.nEmbd, emb));
    this.wpe = config.positions === 'learned' ? this.module('wpe', new Embedding(config.blockSize, config.nEmbd, emb)) : null;
    this.drop = this.module('drop', new Dropout(config.dropout, { gen: b.dropGen }));
    const hcGen = gen.fork(2);
    this.h = this.module('h', new ModuleList(Array.from({ length: config.nLayer }, (_, i) => new Block(config, b, i, hcGen))));
    this.lnF = this.module('ln_f', makeNorm(config, b));
    this.lmHead = config.tiedHead ? null : this.module('lm_head', new Linear(config.nEmbd, config.vocabSize, { ...emb, bias: false }));
    gpt2Init(this, gen, 0.02 / Math.sqrt(2 * config.nLayer));
  }

  /** The hyper-connections in sublayer order (attention, MLP of block 0, ...); empty for 'plain'. */
  hyperConnections(): HyperModule[] {
    return [...this.h].flatMap((blk) => (blk.hcAttn && blk.hcMlp ? [blk.hcAttn, blk.hcMlp] : []));
  }

  /**
   * AdamW parameter groups: weight decay on the tensors of rank >= 2 (Linear and Embedding weights,
   * θ / φ), none on 1-D tensors (biases, norm gains, α) and on the hyper-connections' static parts
   * (HC §4), as nanoGPT's configure_optimizers.
   */
  paramGroups(weightDecay: number): [{ params: Tensor[]; weightDecay: number }, { params: Tensor[]; weightDecay: number }] {
    const fixed = new Set(this.hyperConnections().flatMap((m) => m.staticParameters()));
    const params = this.parameters();
    return [
      { params: params.filter((p) => p.rank >= 2 && !fixed.has(p)), weightDecay },
      { params: params.filter((p) => p.rank < 2 || fixed.has(p)), weightDecay: 0 },
    ];
  }

  /** One cache per layer for `batch` sequences (preallocated when maxLength is given). */
  createCache(opts: { batch: number; maxLength?: number }): GptCache {
    return new GptCache([...this.h].map((blk) => blk.attn.createCache(opts)));
  }

  /** Cache bytes per token over all layers: elements per token times the dtype's size. */
  cacheBytesPerToken(): number {
    return this.createCache({ batch: 1 }).elementsPerToken() * itemSize(this.dtype);
  }

  /** idx (B, T) int32 -> logits (B, T, V). With a cache, idx continues the cached tokens. */
  forward(idx: Tensor, opts: GptForwardOptions = {}): Tensor {
    const c = this.config;
    if (idx.rank !== 2) throw new ShapeError('GPT', `idx ${fmtShape(idx.shape)} must be (B, T) token ids`);
    const cache = opts.cache ?? null;
    const T = idx.shape[1]!, start = cache?.length ?? 0;
    if (cache && cache.layers.length !== c.nLayer) throw new ValueError('GPT', `cache has ${cache.layers.length} layers, the model ${c.nLayer}`);
    if (start + T > c.blockSize) {
      throw new ValueError('GPT', `idx ${fmtShape(idx.shape)} after ${start} cached tokens exceeds blockSize ${c.blockSize}`);
    }
    const offset = c.plantedBug === 'cache-offset' ? 0 : start;
    let x = this.wte.forward(idx); // (B, T, C)
    if (this.wpe) x = add(x, this.wpe.forward(arange(offset, offset + T, 1, { dtype: 'int32', backend: idx.backend }))); // (B, T, C) + (T, C)
    x = this.drop.forward(x);
    const mlaPath = opts.mlaPath ?? (cache && c.attention === 'mla' ? mlaOf(c).decode : 'naive');
    const causal = c.plantedBug !== 'causal-mask';
    const n = streamsOf(c), hyper = residualOf(c) !== 'plain';
    if (hyper) x = expandStreams(x, n); // (B, T, n, C)
    [...this.h].forEach((blk, i) => {
      x = blk.forward(x, { offset, causal, cache: cache?.layers[i] ?? null, mlaPath });
    });
    if (hyper) x = mergeStreams(x); // (B, T, C)
    x = this.lnF.forward(x);
    return this.lmHead ? this.lmHead.forward(x) : linear(x, this.wte.weight); // (B, T, V), tied head
  }

  /**
   * Samples maxNewTokens tokens after `prompt` (token ids) and returns the new ones: prefill the
   * prompt into a cache, then one token per forward. Runs in eval mode without gradients. Past
   * blockSize the context is the last blockSize tokens (nanoGPT's crop): the cache is rebuilt.
   */
  async generate(prompt: readonly number[], opts: GenerateOptions): Promise<number[]> {
    const { vocabSize: V, blockSize } = this.config;
    if (prompt.length === 0) throw new ValueError('gpt.generate', 'prompt is empty: give at least one token id');
    const bad = prompt.find((t) => !(Number.isInteger(t) && t >= 0 && t < V));
    if (bad !== undefined) throw new ValueError('gpt.generate', `prompt token ${bad} is not an id in [0, ${V})`);
    if (!(Number.isSafeInteger(opts.maxNewTokens) && opts.maxNewTokens >= 0)) {
      throw new ValueError('gpt.generate', `maxNewTokens ${opts.maxNewTokens} must be an integer >= 0`);
    }
    checkSampling(opts, V);
    const wasTraining = this.training;
    this.eval();
    const cache = this.createCache({ batch: 1 });
    const seq = [...prompt], out: number[] = [];
    try {
      let feed = seq.slice(-blockSize);
      for (let i = 0; i < opts.maxNewTokens; i++) {
        const logits = await this.lastLogits(feed, cache);
        const u = await readScalar(rand([1], { gen: opts.gen, dtype: 'float64' }));
        const next = drawIndex(nextTokenProbs(logits, opts), u);
        seq.push(next);
        out.push(next);
        if (cache.length + 1 > blockSize) {
          cache.reset();
          feed = seq.slice(-blockSize);
        } else {
          feed = [next];
        }
      }
    } finally {
      cache.reset();
      this.train(wasTraining);
    }
    return out;
  }

  /** Runs `tokens` through the model after the cached ones; the logits of the last one (V). */
  private async lastLogits(tokens: readonly number[], cache: GptCache): Promise<Float64Array> {
    const row = tidy(() => noGrad(() => {
      const idx = tensor([tokens as number[]], { dtype: 'int32', backend: this.wte.weight.backend });
      const logits = this.forward(idx, { cache }); // (1, T, V)
      return slice(logits, { starts: [tokens.length - 1], ends: [tokens.length], axes: [1] }); // (1, 1, V)
    }));
    const data = await row.data();
    row.dispose();
    return Float64Array.from(data);
  }
}

async function readScalar(t: Tensor): Promise<number> {
  const v = (await t.data())[0]!;
  t.dispose();
  return v;
}

/** GPT-2 init over the module tree (registration order, so it is a function of the seed). */
function gpt2Init(m: Module, gen: Generator, residualStd: number, name = ''): void {
  if (m instanceof Linear) {
    init.normal(m.weight, { gen, std: name === 'c_proj' || name === 'wo' ? residualStd : 0.02 });
    if (m.bias) init.zeros(m.bias);
  } else if (m instanceof Embedding) {
    init.normal(m.weight, { gen, std: 0.02 });
  }
  for (const [child, sub] of m.namedChildren()) gpt2Init(sub, gen, residualStd, child);
}
