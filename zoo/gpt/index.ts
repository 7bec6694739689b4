// gpt: the decoder-only transformer of issue 6 as a registered model (presets, names data, loss,
// analytic FLOPs, invariants). The model itself: model.ts; attention: attention.ts, mla.ts.
import { ValueError, crossEntropy, reshape } from '../../engine/index.js';
import { namesCorpus, NAMES_VOCAB_SIZE } from '../data/names.js';
import { defineModel } from '../model.js';
import { GPT_PRESETS, hcMacsPerSublayer, hcSublayers, headDim, kvHeads, mlaOf, type GptConfig } from './config.js';
import { GPT_INVARIANTS } from './invariants.js';
import { GPT } from './model.js';

export { GPT, GptCache, type GenerateOptions, type GptForwardOptions } from './model.js';
export {
  GPT_PRESETS, hcMacsPerSublayer, hcParametersPerSublayer, hcSublayers, kvElementsPerTokenPerLayer, residualOf, streamsOf, withAttention,
  type GptConfig, type AttentionKind, type HcConfig, type PositionKind, type ResidualKind,
} from './config.js';
export { hcDiagnostics, type HcGainReport } from './hc-diagnostics.js';
export { GPT_INVARIANTS, GptInvariantError } from './invariants.js';

/** Multiply-accumulates per token of one layer's projections (weights touched once per token). */
function layerMacs(c: GptConfig): number {
  const [C, H, dh] = [c.nEmbd, c.nHead, headDim(c)];
  const mlp = 2 * C * 4 * C;
  if (c.attention !== 'mla') return C * (H + 2 * kvHeads(c)) * dh + H * dh * C + mlp;
  const { kvRank: dc, qRank, ropeDim: dR } = mlaOf(c);
  const q = qRank === 0 ? C * H * (dh + dR) : C * qRank + qRank * H * (dh + dR);
  return q + C * (dc + dR) + dc * H * 2 * dh + H * dh * C + mlp;
}

/** Score and value-sum FLOPs per query token of one layer over a context of T keys. */
function attentionFlops(c: GptConfig, T: number): number {
  const [H, dh] = [c.nHead, headDim(c)];
  const dqk = c.attention === 'mla' ? dh + mlaOf(c).ropeDim : dh;
  return 2 * T * H * dqk + 2 * T * H * dh;
}

/**
 * Forward FLOPs of one (B, T = blockSize) batch: 2 per multiply-accumulate of every projection and
 * the head, plus q·k and p·v over all T keys per query. NOTE: no causal halving: the kernels compute
 * the full masked T×T scores (the count of nanoGPT's estimate_mfu and PaLM App. B). Norms, GELU,
 * softmax and embeddings are not counted (O(T C) against O(T C²)). MLA counts its naive path.
 * Residual 'hc' / 'mhc' adds each sublayer's coefficient and stream-mixing products
 * (hcMacsPerSublayer, spec §2.7): for mhc with n = 4, C = 256 that is 2 × 30720 MACs per token per
 * block against the block's 12 C² = 786432 (+7.8%).
 */
export function gptForwardFlops(c: GptConfig): number {
  const tokens = c.batchSize * c.blockSize;
  const macs = c.nLayer * layerMacs(c) + hcSublayers(c) * hcMacsPerSublayer(c) + c.nEmbd * c.vocabSize;
  return tokens * (2 * macs + c.nLayer * attentionFlops(c, c.blockSize));
}

const gpt = defineModel<GptConfig, GPT>({
  name: 'gpt',
  family: 'transformer',
  doc: 'decoder-only pre-norm transformer, MHA/GQA/MQA/MLA attention, learned or RoPE positions, KV-cache decoding (Paper: Radford et al. 2019, GPT-2; DeepSeek-V2 arXiv:2405.04434 for MLA)',
  presets: GPT_PRESETS,
  build: (config, gen, opts) => new GPT(config, gen, opts),
  data(config, opts) {
    if (config.vocabSize < NAMES_VOCAB_SIZE) {
      throw new ValueError('gpt', `config.vocabSize ${config.vocabSize} is smaller than the names corpus's byte vocabulary ${NAMES_VOCAB_SIZE}`);
    }
    return namesCorpus({ seed: opts.seed, batchSize: config.batchSize, blockSize: config.blockSize, backend: opts.backend });
  },
  // Mean next-token cross entropy over the B·T positions, in nats.
  loss(model, batch, config) {
    const logits = model.forward(batch['tokens']!); // (B, T, V)
    const [B, T] = logits.shape as [number, number, number];
    return crossEntropy(reshape(logits, [B * T, config.vocabSize]), reshape(batch['targets']!, [B * T])); // (B·T, V), (B·T)
  },
  flops: (config) => ({ forward: gptForwardFlops(config), train: 3 * gptForwardFlops(config) }),
  units: (config) => ({ count: config.batchSize * config.blockSize, unit: 'tokens' }),
  trainCheck: { steps: 100, lr: 1e-2, maxRatio: 0.7 },
  invariants: GPT_INVARIANTS,
});

export default gpt;
