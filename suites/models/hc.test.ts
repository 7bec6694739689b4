// GPT with hyper-connections (residual 'hc' / 'mhc', issue 9): the layer and model invariants of spec
// §3.3 (#12 init equivalence with the plain pre-norm model, #13 mHC composite gains, #14 synthetic HC
// blow-up vs mHC, #15 symmetry breaking, #16 parameter counts) and the Amax gain diagnostics of §3.1.
// float64 on ref throughout.
import { describe, expect, test } from 'vitest';
import {
  AdamW, Generator, backward, fromArray, noGrad, sinkhorn, slice, tidy, type Tensor,
} from '../../engine/index.js';
import { GPT_PRESETS, hcMacsPerSublayer, hcParametersPerSublayer, type GptConfig } from '../../zoo/gpt/config.js';
import gpt, { GPT, GptInvariantError, gptForwardFlops } from '../../zoo/gpt/index.js';
import { hyperConnectionInvariants } from '../../zoo/gpt/invariants.js';
import type { InvariantContext } from '../../zoo/model.js';
import { gainReport, hcDiagnostics } from '../../zoo/gpt/hc-diagnostics.js';
import { PhiloxSource } from '../harness/values.js';

const tiny = GPT_PRESETS.tiny as GptConfig;
const build = (c: GptConfig, seed = 0) => new GPT(c, new Generator(seed), { dtype: 'float64' });
const logitsOf = (m: GPT, tokens: Tensor) => tidy(() => noGrad(() => Float64Array.from(m.forward(tokens).dataSync())));
const tokensOf = (c: GptConfig, seed = 0) => gpt.data(c, { seed }).trainBatch(0)['tokens']!;
/** The first sequence of a batch, (1, T). */
const firstRow = (t: Tensor) => slice(t, { starts: [0], ends: [1], axes: [0] });
const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

/** Copies every parameter the two models share by name from `src` into `dst`. */
function copyShared(src: GPT, dst: GPT): number {
  const own = dst.stateDict();
  let copied = 0;
  for (const [k, t] of Object.entries(src.stateDict())) {
    if (own[k]) {
      own[k].assign(t);
      copied++;
    }
  }
  return copied;
}

/** `steps` AdamW steps (weight decay 0.1 with the model's groups) on the preset's training batches. */
function train(m: GPT, c: GptConfig, steps: number, lr = 1e-2): void {
  const data = gpt.data(c, { seed: 0 });
  const opt = new AdamW(m.paramGroups(0.1), { lr });
  for (let s = 0; s < steps; s++) {
    tidy(() => {
      backward(gpt.loss(m, data.trainBatch(s), c));
      opt.step();
      opt.zeroGrad();
    });
  }
}

describe('#12 init equivalence: HC and mHC at init equal the plain pre-norm model', () => {
  // Exact only with scale-invariant norms (normEps 0): F sees the streams scaled by Σ H_pre and the
  // final norm the sum of n equal streams (spec §3.3 #12).
  const cases = [
    ['hc', 'layernorm'], ['mhc', 'layernorm'], ['hc', 'rmsnorm'], ['mhc', 'rmsnorm'],
  ] as const;
  test.each(cases)('%s with %s: logits equal to 1e-10 with the same F weights', (residual, norm) => {
    const plainCfg: GptConfig = { ...tiny, norm, normEps: 0 };
    const hcCfg: GptConfig = { ...plainCfg, residual, streams: 4 };
    const plain = build(plainCfg, 3), hyper = build(hcCfg, 11);
    expect(copyShared(plain, hyper)).toBe(Object.keys(plain.stateDict()).length); // every plain weight exists in the HC model
    const tokens = tokensOf(plainCfg);
    const want = logitsOf(plain, tokens), got = logitsOf(hyper, tokens);
    expect(maxAbsDiff(want, got)).toBeLessThan(1e-10);
    // The check can fail: a trained b_post moves the logits far beyond the tolerance.
    const hm = hyper.hyperConnections()[1]!;
    const b = residual === 'hc' ? (hm as { bPost: Tensor }).bPost : (hm as { bias: Tensor }).bias;
    tidy(() => b.assign(fromArray(Float64Array.from(b.dataSync(), (v, i) => v + (i === (residual === 'hc' ? 1 : 5) ? 0.5 : 0)), b.shape, 'float64')));
    expect(maxAbsDiff(want, logitsOf(hyper, tokens))).toBeGreaterThan(1e-4);
  });

  test('the same seed gives the plain and the hyper-connected model the same F weights', () => {
    const plain = build(tiny, 5), hyper = build({ ...tiny, residual: 'mhc', streams: 4, hc: { dynamicInitStd: 0.02 } }, 5);
    const sd = hyper.stateDict();
    for (const [k, t] of Object.entries(plain.stateDict())) expect(maxAbsDiff(t.dataSync(), sd[k]!.dataSync()), k).toBe(0);
  });

  test('with the default norm ε the models differ only by the ε terms (small, not rounding)', () => {
    const plain = build(tiny, 3), hyper = build({ ...tiny, residual: 'mhc', streams: 4 }, 3);
    const tokens = tokensOf(tiny);
    const d = maxAbsDiff(logitsOf(plain, tokens), logitsOf(hyper, tokens));
    expect(d).toBeGreaterThan(1e-10);
    expect(d).toBeLessThan(0.05);
  });
});

describe('#13 mHC composite gains', () => {
  const c = GPT_PRESETS['tiny-mhc'] as GptConfig;
  const check = (m: GPT) => {
    const r = hcDiagnostics(m, firstRow(tokensOf(c, 1)));
    expect(r.sublayers).toBe(2 * c.nLayer);
    for (const g of [...r.composite.fwd, ...r.single.fwd, ...r.composite.fwdOfMean]) expect(Math.abs(g - 1)).toBeLessThan(1e-6);
    expect(r.peak.bwd).toBeLessThanOrEqual(1.2);
    expect(r.peak.bwd).toBeGreaterThanOrEqual(1 - 1e-6); // column sums average to 1, so the largest is >= 1
    for (const v of r.composite.minColSum) expect(v).toBeGreaterThan(0);
    return r;
  };

  test('forward gain 1 ± 1e-6 and backward gain <= 1.2 at init and after 20 AdamW steps', () => {
    const m = build(c, 0);
    check(m);
    train(m, c, 20);
    const r = check(m);
    expect(r.peak.bwd).toBeGreaterThan(1 + 1e-9); // training moved H_res off the identity-like init
  });

  test('the same check on HC sees gains other than 1 after training (the metric is not constant)', () => {
    const hc = GPT_PRESETS['tiny-hc'] as GptConfig;
    const m = build(hc, 0);
    train(m, hc, 20);
    const r = hcDiagnostics(m, firstRow(tokensOf(hc, 1)));
    expect(Math.max(...r.composite.fwd.map((g) => Math.abs(g - 1)))).toBeGreaterThan(1e-4);
  });
});

describe('#14 synthetic products: HC blows up, mHC of the same logits stays at 1', () => {
  const n = 4, L = 60;
  const eye = (i: number) => (Math.floor(i / n) === i % n ? 1 : 0);
  /** One token; per-layer H (n×n) -> composite forward/backward gain of the whole product. */
  const gains = (hs: Float64Array[]) => {
    const r = gainReport('hc', hs, hs.map(() => new Float64Array(n)), n, 1);
    return { fwd: r.composite.fwd[0]!, bwd: r.composite.bwd[0]! };
  };
  const viaSinkhorn = (hs: Float64Array[]) => tidy(() => hs.map((h) => Float64Array.from(sinkhorn(fromArray(h, [n, n], 'float64'), 20).dataSync())));

  test.each([[0.02, 3.28], [0.05, 18.7], [0.1, 304]])('uniform drift I + (d/n)J, d = %f: gain (1 + d)^60 = %f', (d, approx) => {
    const hs = Array.from({ length: L }, () => Float64Array.from({ length: n * n }, (_, i) => eye(i) + d / n));
    const g = gains(hs);
    expect(Math.abs(g.fwd / (1 + d) ** L - 1)).toBeLessThan(1e-12);
    expect(Math.abs(g.bwd / (1 + d) ** L - 1)).toBeLessThan(1e-12);
    expect(Math.abs(g.fwd / approx - 1)).toBeLessThan(0.01); // spec §3.3 #14's figures
    const m = gains(viaSinkhorn(hs));
    expect(Math.abs(m.fwd - 1)).toBeLessThan(1e-12);
    expect(Math.abs(m.bwd - 1)).toBeLessThan(1e-12); // I + cJ is symmetric: Sinkhorn converges to it exactly
  });

  test('random I + εN_l: the median gain grows with ε (spec: 1.97 / 3.94 / 27.45), mHC stays at 1', () => {
    const src = new PhiloxSource(42);
    const medians = [0.05, 0.1, 0.2].map((eps) => {
      const fwd: number[] = [];
      for (let trial = 0; trial < 50; trial++) {
        const hs = Array.from({ length: L }, () => Float64Array.from({ length: n * n }, (_, i) => eye(i) + eps * src.normal()));
        fwd.push(gains(hs).fwd);
        if (trial < 5) {
          const m = gains(viaSinkhorn(hs));
          expect(Math.abs(m.fwd - 1)).toBeLessThan(1e-12);
          expect(m.bwd).toBeLessThan(1.5);
        }
      }
      return fwd.sort((a, b) => a - b)[25]!;
    });
    expect(medians[0]).toBeGreaterThan(1.2);
    expect(medians[0]).toBeLessThan(4);
    expect(medians[1]).toBeGreaterThan(medians[0]!);
    expect(medians[2]).toBeGreaterThan(8);
  });
});

describe('#15 symmetry breaking', () => {
  const maxDivergence = (m: GPT, c: GptConfig) => Math.max(...hcDiagnostics(m, firstRow(tokensOf(c, 1))).streamDivergence);
  test.each(['hc', 'mhc'] as const)('%s: streams diverge after 3 AdamW steps with the default init, stay identical with symmetricInit', (residual) => {
    const c: GptConfig = { ...tiny, residual, streams: 4 };
    const m = build(c, 0);
    expect(maxDivergence(m, c)).toBeLessThan(1e-12); // identical copies at init
    train(m, c, 3);
    expect(maxDivergence(m, c)).toBeGreaterThan(1e-4);

    const sym: GptConfig = { ...c, hc: { symmetricInit: true } };
    const s = build(sym, 0);
    train(s, sym, 3);
    expect(maxDivergence(s, sym)).toBeLessThan(1e-12);
  });
});

describe('#16 parameter counts', () => {
  test('mHC per sublayer: φ nC·(n² + 2n) + b (n² + 2n) + 3 α; n = 4, C = 64 gives 6144 + 24 + 3', () => {
    const c: GptConfig = { ...tiny, nEmbd: 64, residual: 'mhc', streams: 4 };
    expect(hcParametersPerSublayer(c)).toBe(6144 + 24 + 3);
    const plain = build({ ...tiny, nEmbd: 64 }), m = build(c);
    expect(m.numParameters() - plain.numParameters()).toBe(2 * c.nLayer * (6144 + 24 + 3));
    const sd = m.stateDict();
    expect(sd['h.1.hc_mlp.phi']!.shape).toEqual([256, 24]);
    expect(sd['h.1.hc_mlp.bias']!.shape).toEqual([24]);
    expect(sd['h.1.hc_mlp.alpha']!.shape).toEqual([3]);
  });

  test('HC per sublayer (HC App. B): static n(n + 2); dynamic adds the norm gain C, θ C(n + 2) and the α', () => {
    const c: GptConfig = { ...tiny, residual: 'hc', streams: 4 };
    const n = 4, C = 32;
    expect(hcParametersPerSublayer(c)).toBe(n * (n + 2) + C + C * (n + 2) + 3);
    expect(hcParametersPerSublayer({ ...c, hc: { dynamic: false } })).toBe(n * (n + 2));
    const plain = build(tiny);
    for (const cfg of [c, { ...c, hc: { dynamic: false } }, { ...c, hc: { shareAlphaPreRes: true } }]) {
      expect(build(cfg).numParameters() - plain.numParameters()).toBe(2 * c.nLayer * hcParametersPerSublayer(cfg));
    }
    // OLMo-1B-DHC×4 (d = 2048, 16 layers, non-parametric norm, shared α): "adds 394,048 parameters".
    const olmo: GptConfig = { ...tiny, nEmbd: 2048, nLayer: 16, residual: 'hc', streams: 4, hc: { shareAlphaPreRes: true } };
    expect(2 * olmo.nLayer * (hcParametersPerSublayer(olmo) - olmo.nEmbd)).toBe(394048);
  });

  test('FLOPs include the coefficient and stream-mixing products', () => {
    const c: GptConfig = { ...tiny, residual: 'mhc', streams: 4 };
    // n = 4, C = 32: x⃗φ 128·24 = 3072, H_pre x 128, H_res x 512, H_post y 128 MACs per token per sublayer.
    expect(hcMacsPerSublayer(c)).toBe(3072 + 128 + 512 + 128);
    expect(gptForwardFlops(c) - gptForwardFlops(tiny)).toBe(32 * 2 * 4 * 3840); // 32 tokens, 2 FLOPs per MAC, 4 sublayers
  });
});

describe('diagnostics', () => {
  test("'plain' gives gain 1 and divergence 0 everywhere", () => {
    const m = build(tiny);
    const r = hcDiagnostics(m, firstRow(tokensOf(tiny)));
    expect(r).toMatchObject({ residual: 'plain', streams: 1, sublayers: 4, kinds: ['attn', 'mlp', 'attn', 'mlp'], peak: { fwd: 1, bwd: 1 } });
    for (const v of [...r.single.fwd, ...r.single.bwd, ...Object.values(r.composite).flat()]) expect(v).toBe(1);
    expect(r.streamDivergence).toEqual([0, 0, 0, 0]);
  });

  test('the report is indexed by sublayer and restores the training mode; recording is off afterwards', () => {
    const c = GPT_PRESETS['tiny-hc'] as GptConfig;
    const m = build(c).train();
    const r = hcDiagnostics(m, firstRow(tokensOf(c)));
    expect(m.training).toBe(true);
    for (const arr of [r.single.fwd, r.composite.bwd, r.composite.minColSum, r.streamDivergence]) expect(arr).toHaveLength(4);
    for (const h of m.hyperConnections()) {
      expect(h.record).toBe(false);
      expect(h.lastHres).toBeNull();
    }
    // the composite of the last sublayer is its own H_res
    expect(r.composite.fwd[3]).toBeCloseTo(r.single.fwd[3]!, 14);
  });

  test('gainReport: a known 2×2 product (hand computed)', () => {
    // H0 = [[1, 0.5], [0, 1]], H1 = [[2, 0], [0, 1]]: P_0 = H1·H0 = [[2, 1], [0, 1]] (rows 3, 1; columns 2, 2).
    const h0 = Float64Array.from([1, 0.5, 0, 1]), h1 = Float64Array.from([2, 0, 0, 1]);
    const r = gainReport('hc', [h0, h1], [new Float64Array(2), new Float64Array(2)], 2, 1);
    expect(r.composite.fwd).toEqual([3, 2]);
    expect(r.composite.bwd).toEqual([2, 2]);
    expect(r.composite.minColSum).toEqual([2, 1]);
    expect(r.single.fwd).toEqual([1.5, 2]);
    expect(r.peak).toEqual({ fwd: 3, bwd: 2 });
  });
});

describe('the gpt invariant for hyper-connections', () => {
  const ctxFor = (config: GptConfig, tamper?: (m: GPT) => void): InvariantContext<GptConfig, GPT> => ({
    config, data: gpt.data(config, { seed: 3 }), backend: 'ref',
    build: (c = config, o = {}) => {
      const m = gpt.build(c, new Generator(3), o);
      if (tamper && (c.residual ?? 'plain') !== 'plain') tamper(m);
      return m;
    },
  });
  test('holds for tiny-gqa (rmsnorm, rope) and tiny-mla', () => {
    hyperConnectionInvariants.check(ctxFor(GPT_PRESETS['tiny-gqa'] as GptConfig));
    hyperConnectionInvariants.check(ctxFor(GPT_PRESETS['tiny-mla'] as GptConfig));
  });
  test('fails when the merge is not the plain residual at init (a stream weight moved)', () => {
    const tamper = (m: GPT) => {
      const h = m.hyperConnections()[2]!;
      const w = 'bPost' in h ? h.bPost : h.bias;
      tidy(() => w.assign(fromArray(Float64Array.from(w.dataSync(), (v, i) => (i === 1 ? v + 0.3 : v)), w.shape, 'float64')));
    };
    expect(() => hyperConnectionInvariants.check(ctxFor(tiny, tamper))).toThrow(GptInvariantError);
    expect(() => hyperConnectionInvariants.check(ctxFor(tiny, tamper))).toThrow(/at init the logits differ from the plain model's by/);
  });
});
