// gpt (zoo/gpt): configuration, shapes and parameter names, the cache-size formulas, analytic FLOPs,
// sampling, generation, and the family invariants, run directly and with planted bugs (a broken
// causal mask, KV-cache offset or RoPE pairing) to prove that they fail when they should.
import { describe, expect, test } from 'vitest';
import { Generator, ShapeError, ValueError, itemSize, noGrad, tensor, tidy } from '../../engine/index.js';
import type { InvariantContext } from '../../zoo/model.js';
import { GPT_PRESETS, headDim, kvElementsPerTokenPerLayer, validateConfig, withAttention, type GptConfig, type PlantedBug } from '../../zoo/gpt/config.js';
import gpt, { GPT, GptInvariantError, gptForwardFlops } from '../../zoo/gpt/index.js';
import { absorbedMla, cacheSize, causality, groupedQueryLimits, hyperConnectionInvariants, kvCacheDecoding, ropeRelative } from '../../zoo/gpt/invariants.js';
import { Rotary } from '../../zoo/gpt/attention.js';
import { drawIndex, nextTokenProbs } from '../../zoo/gpt/sample.js';

const tiny = GPT_PRESETS.tiny as GptConfig;
const build = (c: GptConfig, seed = 0, dtype: 'float32' | 'float64' = 'float64') => new GPT(c, new Generator(seed), { dtype });

function ctxFor(config: GptConfig): InvariantContext<GptConfig, GPT> {
  return { config, build: (c = config, o = {}) => gpt.build(c, new Generator(3), o), data: gpt.data(config, { seed: 3 }), backend: 'ref' };
}

/** logits (B, T, V) of a float64 model as host data. */
const logitsOf = (m: GPT, ids: number[][]) => tidy(() => noGrad(() => Float64Array.from(m.forward(tensor(ids, { dtype: 'int32' })).dataSync())));

describe('config', () => {
  test('the bench preset is the one issue 6 fixes', () => {
    const b = GPT_PRESETS.bench;
    expect(b).toMatchObject({ nLayer: 4, nEmbd: 256, nHead: 4, blockSize: 128, vocabSize: 256, batchSize: 8, positions: 'learned', norm: 'layernorm', bias: true, tiedHead: false, attention: 'mha' });
    const names = Object.keys(new GPT(b, new Generator(0)).stateDict());
    expect(names).toContain('lm_head.weight');
    expect(names).not.toContain('lm_head.bias');
    for (const n of ['h.0.ln_1.bias', 'h.3.attn.c_attn.bias', 'h.3.mlp.c_fc.bias', 'ln_f.bias', 'wpe.weight']) expect(names).toContain(n);
  });

  test('tiny presets cover the four attention kinds and both position kinds', () => {
    const tinies = Object.entries(GPT_PRESETS).filter(([n]) => n.startsWith('tiny')).map(([, c]) => c as GptConfig);
    expect(new Set(tinies.map((c) => c.attention))).toEqual(new Set(['mha', 'gqa', 'mqa', 'mla']));
    expect(new Set(tinies.map((c) => c.positions))).toEqual(new Set(['learned', 'rope']));
  });

  test.each([
    [{ nEmbd: 30 }, ValueError, /gpt: config\.nEmbd 30 must be divisible by config\.nHead 4/],
    [{ attention: 'gqa', nKvHead: 3 }, ValueError, /gpt: config\.nKvHead 3 must divide config\.nHead 4/],
    [{ attention: 'mqa', nKvHead: 2 }, ValueError, /config\.nKvHead 2 contradicts attention 'mqa' \(which has 1\)/],
    [{ attention: 'mla', mla: { ropeDim: 3 } }, ValueError, /config\.mla\.ropeDim 3 must be even/],
    [{ dropout: 1 }, ValueError, /config\.dropout 1 must lie in \[0, 1\)/],
    [{ nLayer: 0 }, ValueError, /config\.nLayer 0 must be a positive integer/],
  ] as const)('%o is rejected with a typed error naming the field', (patch, cls, msg) => {
    const c = { ...tiny, ...patch } as GptConfig;
    expect(() => validateConfig(c)).toThrow(cls);
    expect(() => validateConfig(c)).toThrow(msg);
  });
});

describe('model', () => {
  test.each(Object.keys(GPT_PRESETS).filter((n) => n.startsWith('tiny')))('%s: logits are (B, T, V) and finite', (name) => {
    const c = GPT_PRESETS[name as keyof typeof GPT_PRESETS] as GptConfig;
    const m = build(c, 0, 'float32');
    const out = tidy(() => noGrad(() => m.forward(gpt.data(c, { seed: 0 }).trainBatch(0)['tokens']!)));
    expect(out.shape).toEqual([c.batchSize, c.blockSize, c.vocabSize]);
    expect(Array.from(out.dataSync()).every(Number.isFinite)).toBe(true);
  });

  test('MLA parameters carry DeepSeek-V3 names and shapes (d_c = 16, d\'_c = 24, d^R_h = 4, H = 4, d_h = 8)', () => {
    const sd = new GPT(GPT_PRESETS['tiny-mla'], new Generator(0)).stateDict();
    const shape = (k: string) => sd[`h.0.attn.${k}`]!.shape;
    expect(shape('wq_a.weight')).toEqual([24, 32]);
    expect(shape('q_norm.weight')).toEqual([24]);
    expect(shape('wq_b.weight')).toEqual([4 * (8 + 4), 24]);
    expect(shape('wkv_a.weight')).toEqual([16 + 4, 32]);
    expect(shape('kv_norm.weight')).toEqual([16]);
    expect(shape('wkv_b.weight')).toEqual([4 * 16, 16]);
    expect(shape('wo.weight')).toEqual([32, 32]);
    expect(sd['h.0.attn.wkv_b.bias']).toBeUndefined();
  });

  test('the initial loss is about ln V (GPT-2 init: small logits)', () => {
    const m = build(tiny, 0, 'float32');
    const loss = tidy(() => noGrad(() => gpt.loss(m, gpt.data(tiny, { seed: 0 }).trainBatch(0), tiny).item()));
    expect(Math.abs(loss - Math.log(256))).toBeLessThan(0.1);
  });

  test('a tied head uses the token embedding: no lm_head parameters', () => {
    const names = Object.keys(build({ ...tiny, tiedHead: true }).stateDict());
    expect(names.some((n) => n.startsWith('lm_head'))).toBe(false);
  });

  test('dropout: masks come from the seed; eval mode is deterministic', () => {
    const c = { ...tiny, dropout: 0.2 };
    const batch = gpt.data(c, { seed: 0 }).trainBatch(0);
    const loss = (m: GPT) => tidy(() => noGrad(() => gpt.loss(m, batch, c).item()));
    const [a, b] = [build(c, 5), build(c, 5)];
    const first = loss(a);
    expect(loss(b)).toBe(first); // same seed, same masks
    expect(loss(a)).not.toBe(first); // the next draw has new masks
    a.eval();
    expect(loss(a)).toBe(loss(a));
  });

  test('typed errors name the argument and the shapes', () => {
    const m = build(tiny);
    expect(() => m.forward(tensor([1, 2, 3], { dtype: 'int32' }))).toThrow(ShapeError);
    expect(() => m.forward(tensor([1, 2, 3], { dtype: 'int32' }))).toThrow(/GPT: idx \(3\) must be \(B, T\)/);
    const long = [Array.from({ length: 17 }, () => 1)];
    expect(() => m.forward(tensor(long, { dtype: 'int32' }))).toThrow(/GPT: idx \(1,17\) after 0 cached tokens exceeds blockSize 16/);
    const cache = m.createCache({ batch: 1 });
    tidy(() => noGrad(() => m.forward(tensor([Array.from({ length: 10 }, () => 1)], { dtype: 'int32' }), { cache })));
    expect(() => m.forward(tensor([Array.from({ length: 7 }, () => 1)], { dtype: 'int32' }), { cache })).toThrow(/idx \(1,7\) after 10 cached tokens exceeds blockSize 16/);
  });
});

describe('KV cache size', () => {
  // Spec §4.5 item 4: n_h = 4, d_h = 16, n_g = 2, d_c = 32, d^R_h = 8 gives 128 / 64 / 32 / 40 per token per layer.
  const spec: GptConfig = { ...tiny, nEmbd: 64, nHead: 4, mla: { kvRank: 32, ropeDim: 8 } };
  test.each([['mha', 128], ['gqa', 64], ['mqa', 32], ['mla', 40]] as const)('%s: %i elements per token per layer, in the formula and in the buffers', (kind, want) => {
    const c = withAttention(spec, kind);
    expect(headDim(c)).toBe(16);
    expect(kvElementsPerTokenPerLayer(c)).toBe(want);
    const m = build(c, 0, 'float32');
    const cache = m.createCache({ batch: 3, maxLength: 16 });
    expect(cache.elementsPerToken()).toBe(c.nLayer * want);
    expect(m.cacheBytesPerToken()).toBe(c.nLayer * want * itemSize('float32'));
    tidy(() => noGrad(() => m.forward(tensor([[1, 2], [3, 4], [5, 6]], { dtype: 'int32' }), { cache })));
    expect(cache.allocatedElements()).toBe(3 * 16 * c.nLayer * want); // preallocated: B · maxLength · per token
  });

  test('bench: 2 n_h d_h l = 2·4·64·4 = 2048 elements, 8192 float32 bytes per token', () => {
    expect(GPT_PRESETS.bench.nLayer * kvElementsPerTokenPerLayer(GPT_PRESETS.bench)).toBe(2048);
  });
});

describe('flops', () => {
  test('tiny by hand: 2 per MAC of 12C² per layer and the head, plus 4·T·H·d_h attention per layer', () => {
    // C = 32, T = 16, H·d_h = 32, L = 2, V = 256, B·T = 32 tokens.
    // projections: 2·(2·12·32² + 32·256) = 65536 per token; attention: 2 layers · 4·16·32 = 4096 per token.
    expect(gptForwardFlops(tiny)).toBe(32 * (65536 + 4096));
    expect(gpt.flops(tiny)).toEqual({ forward: 32 * 69632, train: 3 * 32 * 69632 });
    expect(gpt.units(tiny)).toEqual({ count: 32, unit: 'tokens' });
  });

  test('MQA projects 2 d_h instead of 2 C for keys and values', () => {
    // c_attn shrinks from C·3C to C·(C + 2 d_h): 32·96 − 32·48 = 1536 MACs per token per layer.
    const diff = gptForwardFlops(tiny) - gptForwardFlops(withAttention(tiny, 'mqa'));
    expect(diff).toBe(32 * 2 * 2 * 1536);
  });
});

describe('RoPE', () => {
  test('pair (x0, x1) = (1, 0) at position p becomes (cos p, sin p) (θ_0 = base^0 = 1)', () => {
    const r = new Rotary(10000);
    const x = tensor([[[[1, 0, 0, 1]]]], { dtype: 'float64' });
    const y = Array.from(r.query(x, 2).dataSync());
    const t = 10000 ** -0.5 * 2; // pair 1 (x2, x3) = (0, 1) turns by 2·θ_1 to (−sin, cos)
    [Math.cos(2), Math.sin(2), -Math.sin(t), Math.cos(t)].forEach((v, i) => expect(y[i]).toBeCloseTo(v, 14));
  });
});

describe('sampling', () => {
  test('temperature 1 is the softmax: logits (0, ln 2, ln 3) give (1, 2, 3)/6', () => {
    const p = nextTokenProbs([0, Math.log(2), Math.log(3)]);
    [1 / 6, 2 / 6, 3 / 6].forEach((v, i) => expect(p[i]).toBeCloseTo(v, 14));
  });

  test('temperature 2 halves the logits: (0, 2 ln 2) gives (1, 2)/3; temperature 0 and topK 1 are greedy', () => {
    const p = nextTokenProbs([0, 2 * Math.log(2)], { temperature: 2 });
    expect(p[0]).toBeCloseTo(1 / 3, 14);
    expect(Array.from(nextTokenProbs([0.5, 3, -1], { temperature: 0 }))).toEqual([0, 1, 0]);
    expect(Array.from(nextTokenProbs([0.5, 3, -1], { topK: 1 }))).toEqual([0, 1, 0]);
  });

  test('topK 2 keeps the two largest: (0, ln 2, ln 3) gives (0, 2, 3)/5', () => {
    const p = nextTokenProbs([0, Math.log(2), Math.log(3)], { topK: 2 });
    [0, 2 / 5, 3 / 5].forEach((v, i) => expect(p[i]).toBeCloseTo(v, 14));
  });

  test('the inverse-CDF draw: p = (0.2, 0.3, 0.5)', () => {
    expect([0, 0.19, 0.2, 0.49, 0.5, 0.999].map((u) => drawIndex([0.2, 0.3, 0.5], u))).toEqual([0, 0, 1, 1, 2, 2]);
    expect(drawIndex([0.5, 0, 0], 0.7)).toBe(0); // rounding leaves u above the sum: the last token with mass
  });

  test('bad temperature or topK is a ValueError naming it', () => {
    expect(() => nextTokenProbs([1, 2], { topK: 3 })).toThrow(/gpt\.generate: topK 3 must be an integer in \[1, 2\]/);
    expect(() => nextTokenProbs([1, 2], { temperature: -1 })).toThrow(ValueError);
  });
});

describe('generate', () => {
  const model = build(tiny, 1);

  /** Greedy decoding without a cache: the full forward of the last blockSize tokens at every step. */
  function greedyReference(prompt: number[], n: number): number[] {
    const seq = [...prompt], V = tiny.vocabSize;
    for (let i = 0; i < n; i++) {
      const ctx = seq.slice(-tiny.blockSize);
      const l = logitsOf(model, [ctx]).subarray((ctx.length - 1) * V);
      seq.push(l.indexOf(Math.max(...l)));
    }
    return seq.slice(prompt.length);
  }

  test('greedy decoding with the cache equals decoding with full forwards, also past blockSize', async () => {
    const prompt = [10, 97, 110];
    const got = await model.generate(prompt, { maxNewTokens: 20, temperature: 0, gen: new Generator(0) });
    expect(got).toEqual(greedyReference(prompt, 20)); // 23 tokens > blockSize 16: the context is cropped
  });

  test('sampling is a function of the seed, returns maxNewTokens ids in range, and restores the mode', async () => {
    const run = (seed: number) => model.generate([10], { maxNewTokens: 12, temperature: 1.5, topK: 50, gen: new Generator(seed) });
    model.train();
    const a = await run(4);
    expect(model.training).toBe(true);
    expect(a).toHaveLength(12);
    expect(a.every((t) => Number.isInteger(t) && t >= 0 && t < 256)).toBe(true);
    expect(await run(4)).toEqual(a);
    expect(await run(5)).not.toEqual(a);
  });

  test('a bad prompt is a ValueError naming it', async () => {
    await expect(model.generate([], { maxNewTokens: 1, gen: new Generator(0) })).rejects.toThrow(/gpt\.generate: prompt is empty/);
    await expect(model.generate([300], { maxNewTokens: 1, gen: new Generator(0) })).rejects.toThrow(/prompt token 300 is not an id in \[0, 256\)/);
  });
});

describe('invariants', () => {
  const all = [causality, kvCacheDecoding, groupedQueryLimits, absorbedMla, cacheSize, ropeRelative, hyperConnectionInvariants];

  test('the registered invariants are these seven', () => {
    expect(gpt.invariants.map((i) => i.name)).toEqual(all.map((i) => i.name));
  });

  // tiny derives all four attention kinds (its MLA variant has no query compression); tiny-mla has d'_c = 24.
  test.each(['tiny', 'tiny-mla'])('%s: every invariant holds', (name) => {
    const ctx = ctxFor(GPT_PRESETS[name as keyof typeof GPT_PRESETS] as GptConfig);
    for (const inv of all) inv.check(ctx);
  });

  const planted = (preset: keyof typeof GPT_PRESETS, bug: PlantedBug) => ctxFor({ ...(GPT_PRESETS[preset] as GptConfig), plantedBug: bug });

  test('a broken causal mask fails causality and KV-cache decoding', () => {
    const ctx = planted('tiny', 'causal-mask');
    expect(() => causality.check(ctx)).toThrow(GptInvariantError);
    expect(() => causality.check(ctx)).toThrow(/gpt: mha\/learned: changing token 1 changed the logits before it: differs by/);
    expect(() => kvCacheDecoding.check(ctx)).toThrow(/KV-cache decoding .* differs by/);
  });

  test.each(['tiny', 'tiny-rope', 'tiny-mla'] as const)('%s: a KV-cache offset that ignores the cached tokens fails KV-cache decoding', (preset) => {
    const ctx = planted(preset, 'cache-offset');
    expect(() => kvCacheDecoding.check(ctx)).toThrow(GptInvariantError);
    expect(() => kvCacheDecoding.check(ctx)).toThrow(/KV-cache decoding \(prefill 8\), growing cache: differs by/);
    expect(() => causality.check(ctx)).not.toThrow(); // the full forward does not use the offset
  });

  test.each(['tiny', 'tiny-mla'] as const)('%s: keys paired differently from queries fail the RoPE check', (preset) => {
    const ctx = planted(preset, 'rope-pairing');
    expect(() => ropeRelative.check(ctx)).toThrow(GptInvariantError);
    expect(() => ropeRelative.check(ctx)).toThrow(/q·k at positions \(0, 3\) is .* not a function of n − m/);
  });
});
