// HyperConnection and ManifoldHyperConnection (engine/nn/layers/hyper.ts): initial mappings (HC Eq. 14,
// spec §2.6), n = 1 as a gated residual, whole-sublayer gradient checks in float64, the static
// parameters left out of weight decay, stream expansion / merge, and typed errors.
import { describe, expect, test } from 'vitest';
import {
  Generator, HyperConnection, Linear, ManifoldHyperConnection, ShapeError, ValueError, expandStreams, fromArray, mergeStreams, noGrad,
  randn, tanh, tidy, type Tensor,
} from '../../engine/index.js';
import { GPT_PRESETS, type GptConfig } from '../../zoo/gpt/config.js';
import { GPT } from '../../zoo/gpt/index.js';
import { checkModuleGradients } from '../harness/modulecheck.js';

const f64 = { dtype: 'float64', backend: 'ref' } as const;
const values = (t: Tensor) => Array.from(t.dataSync());
const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
/** A sublayer for the tests: u -> tanh(u Wᵀ) with a fixed random W. */
const sublayer = (C: number, seed: number) => {
  const lin = new Linear(C, C, { ...f64, gen: new Generator(seed), bias: false });
  return { lin, F: (u: Tensor) => tanh(lin.forward(u)) };
};
const streams = (B: number, T: number, n: number, C: number, seed: number) => randn([B, T, n, C], { ...f64, gen: new Generator(seed) });

describe('expandStreams / mergeStreams', () => {
  test('n copies, then their sum', () => {
    const h = fromArray(Float64Array.from([1, 2, 3, 4, 5, 6]), [1, 2, 3], 'float64');
    const x = expandStreams(h, 2);
    expect(x.shape).toEqual([1, 2, 2, 3]);
    expect(values(x)).toEqual([1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6]);
    expect(values(mergeStreams(x))).toEqual([2, 4, 6, 8, 10, 12]);
  });
  test('typed errors', () => {
    expect(() => expandStreams(randn([2, 3]), 2)).toThrow(ShapeError);
    expect(() => expandStreams(randn([1, 2, 3]), 0)).toThrow(ValueError);
    expect(() => mergeStreams(randn([2, 3, 4]))).toThrow(/mergeStreams: x \(2,3,4\) must be \(B, T, n, C\)/);
  });
});

describe('initial mappings', () => {
  test('HC: b_pre = e_{k mod n}, b_post = 1, b_res = I, θ = 0, α = 0.01 (HC Eq. 14)', () => {
    const m = new HyperConnection({ streams: 4, dim: 8, layerIndex: 6, ...f64 });
    expect(values(m.bPre)).toEqual([0, 0, 1, 0]);
    expect(values(m.bPost)).toEqual([1, 1, 1, 1]);
    expect(values(m.bRes)).toEqual([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
    expect(values(m.theta!).every((v) => v === 0)).toBe(true);
    expect(values(m.alpha!)).toEqual([0.01, 0.01, 0.01]);
    expect(m.alpha!.shape).toEqual([3]);
    expect(new HyperConnection({ streams: 4, dim: 8, layerIndex: 0, shareAlphaPreRes: true, ...f64 }).alpha!.shape).toEqual([2]);
    expect(new HyperConnection({ streams: 4, dim: 8, layerIndex: 0, dynamic: false, ...f64 }).numParameters()).toBe(4 * 6);
  });

  test('mHC: H_pre = σ(±4) with the large entry at stream k mod n, H_post = 1, H_res = Sinkhorn(diag 0, off −8) ≈ I', () => {
    const n = 4, C = 8;
    const m = new ManifoldHyperConnection({ streams: n, dim: C, layerIndex: 5, ...f64 });
    m.record = true;
    const x = streams(1, 2, n, C, 1);
    const { F } = sublayer(C, 2);
    const out = tidy(() => noGrad(() => m.forward(x, F)));
    const b = values(m.bias);
    expect(b.slice(0, n)).toEqual([-4, 4, -4, -4]);
    expect(b.slice(n, 2 * n)).toEqual([0, 0, 0, 0]);
    const h = values(m.lastHres!);
    for (let i = 0; i < n; i++) {
      expect(h[i * n + i]).toBeCloseTo(0.99899, 5); // spec §2.6 [M]
      let row = 0;
      for (let j = 0; j < n; j++) row += h[i * n + j]!;
      expect(Math.abs(row - 1)).toBeLessThan(1e-15);
    }
    expect(out.shape).toEqual([1, 2, n, C]);
    m.clearRecord();
    expect(m.lastHres).toBeNull();
  });
});

describe('n = 1: a gated residual', () => {
  test('mHC: H_res = [[1]] exactly and x_next = x + 2σ(h_post) F(σ(h_pre) x) for random φ', () => {
    const C = 6;
    const m = new ManifoldHyperConnection({ streams: 1, dim: C, layerIndex: 3, dynamicInitStd: 0.5, alpha: 0.7, ...f64, gen: new Generator(4) });
    m.record = true;
    const x = streams(2, 3, 1, C, 5);
    const { F } = sublayer(C, 6);
    const out = values(tidy(() => noGrad(() => m.forward(x, F))));
    expect(values(m.lastHres!)).toEqual([1, 1, 1, 1, 1, 1]);
    // the gates by hand: logits = α (x φ) / rms(x) + b
    const xs = values(x), phi = values(m.phi), b = values(m.bias), a = values(m.alpha);
    for (let t = 0; t < 6; t++) {
      const row = xs.slice(t * C, (t + 1) * C);
      const r = Math.sqrt(row.reduce((s, v) => s + v * v, 0) / C + 1e-6);
      const proj = (col: number) => row.reduce((s, v, c) => s + v * phi[c * 3 + col]!, 0) / r;
      const pre = sigmoid(a[0]! * proj(0) + b[0]!), post = 2 * sigmoid(a[1]! * proj(1) + b[1]!);
      const u = fromArray(Float64Array.from(row, (v) => pre * v), [1, 1, C], 'float64');
      const y = values(tidy(() => noGrad(() => F(u))));
      for (let c = 0; c < C; c++) expect(Math.abs(out[t * C + c]! - (row[c]! + post * y[c]!))).toBeLessThan(1e-14);
    }
  });
});

describe('whole-sublayer gradient checks (float64, directional)', () => {
  const cases = [
    ['ManifoldHyperConnection', () => new ManifoldHyperConnection({ streams: 3, dim: 5, layerIndex: 1, dynamicInitStd: 0.3, alpha: 0.5, ...f64, gen: new Generator(8) })],
    ['HyperConnection (rmsnorm)', () => new HyperConnection({ streams: 3, dim: 5, layerIndex: 1, dynamicInitStd: 0.3, alpha: 0.5, ...f64, gen: new Generator(8) })],
    ['HyperConnection (layernorm, shared α)', () => new HyperConnection({ streams: 3, dim: 5, layerIndex: 2, norm: 'layernorm', shareAlphaPreRes: true, dynamicInitStd: 0.3, alpha: 0.5, ...f64, gen: new Generator(8) })],
  ] as const;
  test.each(cases)('%s: every parameter, F weight and the input', (_name, make) => {
    const m = make();
    const { lin, F } = sublayer(5, 9);
    const x = streams(2, 3, 3, 5, 10);
    const params = { ...Object.fromEntries(m.namedParameters()), 'F.weight': lin.weight };
    const r = checkModuleGradients(() => m.forward(x, F), params, { x }, { tol: 1e-6 });
    expect(r.leaves.filter((l) => !(l.relErr <= 1e-6))).toEqual([]);
    expect(r.passed).toBe(true);
  });

  test('the check fails for a sublayer whose mapping is cut from the graph', () => {
    const m = new ManifoldHyperConnection({ streams: 3, dim: 5, layerIndex: 1, dynamicInitStd: 0.3, alpha: 0.5, ...f64, gen: new Generator(8) });
    const { F } = sublayer(5, 9);
    const x = streams(2, 3, 3, 5, 10);
    const broken = (u: Tensor) => F(u.detach());
    const r = checkModuleGradients(() => m.forward(x, broken), Object.fromEntries(m.namedParameters()), { x }, { tol: 1e-6 });
    expect(r.passed).toBe(false);
  });
});

describe('weight decay groups', () => {
  test('static parts of the hyper-connections and 1-D tensors get no weight decay', () => {
    const m = new GPT(GPT_PRESETS['tiny-mhc'] as GptConfig, new Generator(0));
    const [decay, none] = m.paramGroups(0.1);
    expect(decay.weightDecay).toBe(0.1);
    expect(none.weightDecay).toBe(0);
    const name = new Map([...m.namedParameters()].map(([k, p]) => [p, k]));
    const noDecay = none.params.map((p) => name.get(p)!);
    expect(noDecay).toContain('h.0.hc_attn.bias');
    expect(noDecay).toContain('h.1.hc_mlp.alpha');
    expect(decay.params.map((p) => name.get(p)!)).toContain('h.0.hc_attn.phi');
    expect(decay.params.length + none.params.length).toBe(m.parameters().length);
    const hc = new GPT(GPT_PRESETS['tiny-hc'] as GptConfig, new Generator(0));
    const hcName = new Map([...hc.namedParameters()].map(([k, p]) => [p, k]));
    const [hcDecay] = hc.paramGroups(0.1);
    const decayed = hcDecay.params.map((p) => hcName.get(p)!);
    expect(decayed).toContain('h.0.hc_attn.theta');
    expect(decayed).not.toContain('h.0.hc_attn.b_res'); // 2-D, but static
    expect(hc.hyperConnections()[0]!.staticParameters().map((p) => hcName.get(p))).toEqual(['h.0.hc_attn.b_pre', 'h.0.hc_attn.b_post', 'h.0.hc_attn.b_res']);
  });
});

describe('typed errors', () => {
  const m = new ManifoldHyperConnection({ streams: 4, dim: 8, layerIndex: 0, ...f64 });
  test('wrong stream shapes and a sublayer of the wrong width', () => {
    expect(() => m.forward(randn([1, 2, 3, 8], f64), (u) => u)).toThrow(/ManifoldHyperConnection: x \(1,2,3,8\): expected \(B, T, n, C\) with n = 4, C = 8/);
    expect(() => m.forward(randn([1, 2, 4, 8], f64), (u) => expandStreams(u, 2))).toThrow(ShapeError);
  });
  test('bad options', () => {
    expect(() => new ManifoldHyperConnection({ streams: 0, dim: 8, layerIndex: 0 })).toThrow(ValueError);
    expect(() => new ManifoldHyperConnection({ streams: 4, dim: 8, layerIndex: 0, sinkhornIters: 0 })).toThrow(/sinkhornIters 0 must be an integer >= 1/);
    expect(() => new HyperConnection({ streams: 4, dim: 8, layerIndex: 0, dynamicInitStd: -1 })).toThrow(/dynamicInitStd -1/);
    expect(() => new HyperConnection({ streams: 4, dim: 8, layerIndex: 0, norm: 'batchnorm' as 'rmsnorm' })).toThrow(ValueError);
  });
});
