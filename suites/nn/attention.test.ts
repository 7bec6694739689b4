// MultiHeadAttention (MHA / GQA / MQA, RoPE, dropout) and its KV cache: values against a plain-JS
// oracle written from the formulas, incremental decoding against the full causal forward
// (spec mhc-hc-attention.md §4.5), head grouping, causality, gradients and typed errors.
import { describe, expect, test } from 'vitest';
import {
  DTypeError, Generator, KVCache, MultiHeadAttention, ShapeError, StateError, ValueError, concat, full, gradients, randn, slice,
  tensor, tidy, type Tensor,
} from '../../engine/index.js';
import { checkModuleGradients } from '../harness/modulecheck.js';

const f64 = { dtype: 'float64' as const };
type Rope = { base?: number; interleaved?: boolean; rotaryDim?: number };

/** The values of a state-dict entry as rows. */
function rows(t: Tensor): number[][] {
  const v = Array.from(t.dataSync()), c = t.shape[1]!;
  return Array.from({ length: t.shape[0]! }, (_, r) => v.slice(r * c, (r + 1) * c));
}

/** Rotates pairs of `x` (one head's vector at position pos), RoFormer: θ_i = base^(-2i/d). */
function rotate(x: number[], pos: number, r: Rope): number[] {
  const d = r.rotaryDim ?? x.length, base = r.base ?? 10000, out = [...x];
  for (let i = 0; i < d / 2; i++) {
    const [a, b] = (r.interleaved ?? true) ? [2 * i, 2 * i + 1] : [i, i + d / 2];
    const th = pos * Math.pow(base, (-2 * i) / d);
    out[a] = x[a]! * Math.cos(th) - x[b]! * Math.sin(th);
    out[b] = x[a]! * Math.sin(th) + x[b]! * Math.cos(th);
  }
  return out;
}

/** Causal (or full) attention of one sequence x (T, C) by the formulas, in plain JS. */
function oracle(m: MultiHeadAttention, x: number[][], causal: boolean, rope: Rope | null): number[][] {
  const sd = m.stateDict();
  const proj = (name: string, inp: number[][]) => {
    const W = rows(sd[`${name}.weight`]!), b = sd[`${name}.bias`] ? Array.from(sd[`${name}.bias`]!.dataSync()) : null;
    return inp.map((xi) => W.map((w, o) => w.reduce((s, wj, j) => s + wj * xi[j]!, b ? b[o]! : 0)));
  };
  const D = m.headDim, H = m.nHeads, g = H / m.nKvHeads, T = x.length;
  const q = proj('q_proj', x), k = proj('k_proj', x), v = proj('v_proj', x);
  const head = (y: number[][], h: number, t: number) => y[t]!.slice(h * D, (h + 1) * D);
  const o = x.map(() => new Array<number>(H * D).fill(0));
  for (let h = 0; h < H; h++) {
    const kv = Math.floor(h / g);
    for (let t = 0; t < T; t++) {
      const qt = rope ? rotate(head(q, h, t), t, rope) : head(q, h, t);
      const n = causal ? t + 1 : T;
      const s = Array.from({ length: n }, (_, j) => {
        const kj = rope ? rotate(head(k, kv, j), j, rope) : head(k, kv, j);
        return qt.reduce((acc, qi, i) => acc + qi * kj[i]!, 0) / Math.sqrt(D);
      });
      const mx = Math.max(...s), e = s.map((z) => Math.exp(z - mx)), tot = e.reduce((a, b) => a + b, 0);
      for (let j = 0; j < n; j++) head(v, kv, j).forEach((vi, i) => (o[t]![h * D + i]! += (e[j]! / tot) * vi));
    }
  }
  return proj('out_proj', o);
}

function expectClose(got: Tensor, want: ArrayLike<number>, tol: number, what: string): void {
  const g = got.dataSync();
  expect(g.length, `${what} size`).toBe(want.length);
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(g[i]! - want[i]!) / (1 + Math.abs(want[i]!)));
  expect(worst, what).toBeLessThanOrEqual(tol);
}

const seq = (x: Tensor, a: number, b: number) => slice(x, { starts: [a], ends: [b], axes: [1] });

describe('MultiHeadAttention forward matches the formulas (plain-JS oracle, float64)', () => {
  test.each([
    ['MHA', 4, null, true], ['GQA', 2, {}, true], ['MQA', 1, { interleaved: false, rotaryDim: 2, base: 100 }, true], ['GQA, not causal', 2, {}, false],
  ] as const)('%s (nKvHeads %i, rope %j)', (_n, nKv, rope, causal) => {
    const m = new MultiHeadAttention(8, 4, { nKvHeads: nKv, ...(rope ? { rope } : {}), ...f64, gen: new Generator(3) });
    const x = randn([2, 5, 8], { ...f64, seed: 4 });
    const y = m.forward(x, { causal });
    expect(y.shape).toEqual([2, 5, 8]);
    const xs = x.toArray() as number[][][];
    expectClose(y, xs.flatMap((xb) => oracle(m, xb, causal, rope).flat()), 1e-13, 'output');
  });

  test('parameter names and shapes: q_proj (H·D, C), k_proj and v_proj (Hkv·D, C), out_proj (C, H·D)', () => {
    const m = new MultiHeadAttention(12, 6, { nKvHeads: 2, gen: new Generator(0) });
    expect([...m.namedParameters()].map(([n, p]) => `${n} ${p.shape.join('x')}`)).toEqual([
      'q_proj.weight 12x12', 'q_proj.bias 12', 'k_proj.weight 4x12', 'k_proj.bias 4',
      'v_proj.weight 4x12', 'v_proj.bias 4', 'out_proj.weight 12x12', 'out_proj.bias 12',
    ]);
    expect(Object.keys(new MultiHeadAttention(12, 6, { bias: false, headDim: 3, gen: new Generator(0) }).stateDict())).toEqual([
      'q_proj.weight', 'k_proj.weight', 'v_proj.weight', 'out_proj.weight',
    ]);
    // Linear's default init: U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
    const w = Array.from(m.stateDict()['k_proj.weight']!.dataSync());
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(1 / Math.sqrt(12));
  });
});

describe('KV cache: incremental decoding equals the full causal forward (float64, 1e-10)', () => {
  const variants = [
    ['MHA', 4, undefined], ['GQA', 2, undefined], ['MQA', 1, undefined], ['MHA', 4, 12], ['GQA', 2, 7], ['MQA', 1, 9],
  ] as const;
  test.each(variants)('%s nKvHeads %i, maxLength %s', (_n, nKv, maxLength) => {
    const m = new MultiHeadAttention(16, 4, { nKvHeads: nKv, rope: {}, ...f64, gen: new Generator(nKv) });
    const T = 7, P = 3;
    const x = randn([2, T, 16], { ...f64, seed: 10 + nKv });
    const full_ = m.forward(x, { causal: true });
    const cache = m.createCache({ batch: 2, ...(maxLength ? { maxLength } : {}), dtype: 'float64' });
    const parts = [m.forward(seq(x, 0, P), { causal: true, cache })];
    expect(cache.length).toBe(P);
    for (let t = P; t < T; t++) parts.push(m.forward(seq(x, t, t + 1), { causal: true, cache }));
    expect(cache.length).toBe(T);
    expectClose(concat(parts, { axis: 1 }), full_.dataSync(), 1e-10, 'decoded');
    // The cache holds the rotated keys at their absolute positions: the full forward's keys.
    expect(cache.keys!.shape).toEqual([2, nKv, T, 4]);
    expect(cache.allocatedElements()).toBe(2 * (maxLength ?? T) * cache.elementsPerToken());
  });

  test('chunks of several tokens, interleaved=false and a partial rotaryDim', () => {
    const m = new MultiHeadAttention(12, 3, { nKvHeads: 1, rope: { interleaved: false, rotaryDim: 2 }, ...f64, gen: new Generator(8) });
    const x = randn([1, 9, 12], { ...f64, seed: 9 });
    const cache = m.createCache({ batch: 1, dtype: 'float64' });
    const parts = [[0, 4], [4, 6], [6, 7], [7, 9]].map(([a, b]) => m.forward(seq(x, a!, b!), { causal: true, cache }));
    expectClose(concat(parts, { axis: 1 }), m.forward(x, { causal: true }).dataSync(), 1e-10, 'decoded');
  });

  test('a key padding mask applies to the cached keys too', () => {
    const m = new MultiHeadAttention(8, 2, { rope: {}, ...f64, gen: new Generator(12) });
    const x = randn([2, 5, 8], { ...f64, seed: 13 });
    const pad = tensor([[true, false, false, false, false], [false, false, false, false, false]]);
    const want = m.forward(x, { causal: true, keyPaddingMask: pad });
    const cache = m.createCache({ batch: 2, maxLength: 5, dtype: 'float64' });
    const a = m.forward(seq(x, 0, 3), { causal: true, cache, keyPaddingMask: slice(pad, { starts: [0], ends: [3], axes: [1] }) });
    const b = m.forward(seq(x, 3, 5), { causal: true, cache, keyPaddingMask: pad });
    expectClose(concat([a, b], { axis: 1 }), want.dataSync(), 1e-10, 'decoded');
  });
});

describe('head grouping and causality', () => {
  test('GQA with nKvHeads = nHeads is MHA', () => {
    const a = new MultiHeadAttention(8, 4, { nKvHeads: 4, ...f64, gen: new Generator(5) });
    const b = new MultiHeadAttention(8, 4, { ...f64, gen: new Generator(5) });
    const x = randn([2, 4, 8], { ...f64, seed: 6 });
    expectClose(a.forward(x, { causal: true }), b.forward(x, { causal: true }).dataSync(), 0, 'output');
  });

  test.each([2, 1])('GQA with %i kv heads equals MHA whose k/v heads are repeated per group', (nKv) => {
    const H = 4, D = 2, g = H / nKv;
    const gqa = new MultiHeadAttention(8, H, { nKvHeads: nKv, rope: {}, ...f64, gen: new Generator(7) });
    const mha = new MultiHeadAttention(8, H, { rope: {}, ...f64, gen: new Generator(8) });
    const sd = gqa.stateDict();
    // MHA head h gets GQA kv head ⌊h / g⌋: rows [kv·D, (kv+1)·D) of k_proj / v_proj.
    const repeatRows = (t: Tensor) => {
      const r = t.rank === 2 ? rows(t) : Array.from(t.dataSync()).map((v) => [v]);
      const out = Array.from({ length: H * D }, (_, i) => r[Math.floor(Math.floor(i / D) / g) * D + (i % D)]!);
      return t.rank === 2 ? tensor(out, f64) : tensor(out.flat(), f64);
    };
    mha.loadStateDict({ ...sd, ...Object.fromEntries(['k_proj.weight', 'k_proj.bias', 'v_proj.weight', 'v_proj.bias'].map((k) => [k, repeatRows(sd[k]!)])) });
    const x = randn([2, 5, 8], { ...f64, seed: 9 });
    expectClose(gqa.forward(x, { causal: true }), mha.forward(x, { causal: true }).dataSync(), 1e-13, 'output');
  });

  test('changing token t never changes the outputs before t (and does change those from t on)', () => {
    const m = new MultiHeadAttention(8, 4, { nKvHeads: 2, rope: {}, ...f64, gen: new Generator(10) });
    const x = randn([1, 6, 8], { ...f64, seed: 11 }).toArray() as number[][][];
    const base = m.forward(tensor(x, f64), { causal: true }).toArray() as number[][][];
    for (const t of [0, 3, 5]) {
      const x2 = x.map((b) => b.map((row, i) => (i === t ? row.map((v) => v + 1) : row)));
      const y = m.forward(tensor(x2, f64), { causal: true }).toArray() as number[][][];
      for (let i = 0; i < 6; i++) {
        if (i < t) expect(y[0]![i], `row ${i} after changing ${t}`).toEqual(base[0]![i]);
        else expect(y[0]![i], `row ${i} after changing ${t}`).not.toEqual(base[0]![i]);
      }
    }
  });
});

describe('dropout on the attention weights', () => {
  const make = (p: number, seed = 20) => new MultiHeadAttention(8, 4, { nKvHeads: 2, dropout: p, ...f64, gen: new Generator(seed) });
  const x = randn([2, 5, 8], { ...f64, seed: 21 });

  test('eval mode is dropout-free; training mode is reproducible from the generator', () => {
    const plain = make(0).forward(x, { causal: true }).dataSync();
    expectClose(make(0.5).eval().forward(x, { causal: true }), plain, 0, 'eval');
    const a = make(0.5).forward(x, { causal: true }), b = make(0.5).forward(x, { causal: true });
    expectClose(a, b.dataSync(), 0, 'same generator');
    expect(Array.from(a.dataSync())).not.toEqual(Array.from(plain));
  });

  test('the written-out training path has the fused op\'s masks (p -> 0 keeps every weight)', () => {
    // u >= 1e-300 fails only for u = 0 (probability 2^-24 per element), and 1 / (1 - p) = 1.
    const pad = tensor([[false, true, false, false, false], [true, true, true, true, true]]); // batch 1: every key padded -> 0
    const bool = tensor([[true, true, false, true, true]]);
    const add = randn([4, 5, 5], { ...f64, seed: 22 });
    for (const opts of [{ causal: true }, { keyPaddingMask: pad, mask: bool }, { mask: add, causal: true }]) {
      const want = make(0).forward(x, opts).dataSync();
      expectClose(make(1e-300).train().forward(x, opts), want, 1e-14, JSON.stringify(Object.keys(opts)));
    }
  });
});

describe('gradients match finite differences (float64)', () => {
  test('the dropout path keeps gradients finite when a row has no key to attend', () => {
    const m = new MultiHeadAttention(8, 4, { nKvHeads: 2, dropout: 0.3, ...f64, gen: new Generator(35) });
    const x = randn([2, 5, 8], { ...f64, seed: 36 }).requireGrad();
    const pad = tensor([[false, true, false, false, false], [true, true, true, true, true]]);
    const y = m.forward(x, { keyPaddingMask: pad });
    const gs = gradients([y], [full(y.shape, 1, f64)], [x, ...m.parameters()]);
    for (const g of gs) expect(Array.from(g!.dataSync()).every(Number.isFinite)).toBe(true);
  });

  test('GQA with RoPE, causal, key padding: every parameter and x', () => {
    const m = new MultiHeadAttention(8, 4, { nKvHeads: 2, rope: {}, ...f64, gen: new Generator(30) });
    const x = randn([2, 5, 8], { ...f64, seed: 31 });
    const pad = tensor([[false, false, true, false, false], [false, false, false, false, false]]);
    const res = checkModuleGradients(() => m.forward(x, { causal: true, keyPaddingMask: pad }), Object.fromEntries(m.namedParameters()), { x });
    expect(res.leaves.filter((l) => !(l.relErr <= 1e-6))).toEqual([]);
  });

  test('the written-out training path (dropout p -> 0, so the masks are all ones)', () => {
    const m = new MultiHeadAttention(8, 4, { nKvHeads: 2, dropout: 1e-300, rope: {}, ...f64, gen: new Generator(37) });
    const x = randn([2, 4, 8], { ...f64, seed: 38 });
    const mask = randn([4, 4], { ...f64, seed: 39 });
    const res = checkModuleGradients(() => m.forward(x, { causal: true, mask }), Object.fromEntries(m.namedParameters()), { x });
    expect(res.worst).toBeLessThanOrEqual(1e-6);
  });

  test('through the cache: prefill then decode, growing and preallocated', () => {
    for (const maxLength of [undefined, 6]) {
      const m = new MultiHeadAttention(6, 3, { nKvHeads: 1, rope: {}, ...f64, gen: new Generator(32) });
      const x1 = randn([1, 3, 6], { ...f64, seed: 33 }), x2 = randn([1, 2, 6], { ...f64, seed: 34 });
      const fn = () => {
        const cache = m.createCache({ batch: 1, dtype: 'float64', ...(maxLength ? { maxLength } : {}) });
        return [m.forward(x1, { causal: true, cache }), m.forward(x2, { causal: true, cache })];
      };
      const res = checkModuleGradients(fn, Object.fromEntries(m.namedParameters()), { x1, x2 });
      expect(res.worst, `maxLength ${maxLength}`).toBeLessThanOrEqual(1e-6);
    }
  });
});

describe('KVCache', () => {
  test('size accounting (spec §4.5.4): n_h = 4, d_h = 16, n_g = 2 gives 128 / 64 / 32 elements per token per layer', () => {
    const per = (nKvHeads: number) => new KVCache({ batch: 1, nKvHeads, headDim: 16 }).elementsPerToken();
    expect([per(4), per(2), per(1)]).toEqual([128, 64, 32]);
    expect(new KVCache({ batch: 1, nKvHeads: 2, headDim: 16 }).bytesPerToken()).toBe(64 * 4); // float32
    expect(new KVCache({ batch: 1, nKvHeads: 2, headDim: 16, dtype: 'float64' }).bytesPerToken()).toBe(64 * 8);
    const m = new MultiHeadAttention(64, 4, { nKvHeads: 2, gen: new Generator(0) });
    expect(m.createCache({ batch: 1 }).elementsPerToken()).toBe(64);
    const pre = m.createCache({ batch: 3, maxLength: 10 });
    expect(pre.allocatedElements()).toBe(0); // allocated on the first append
    pre.append(full([3, 2, 1, 16], 1), full([3, 2, 1, 16], 2));
    expect(pre.allocatedElements()).toBe(3 * 10 * 64);
  });

  test('growing and preallocated caches hold the same tokens; reset empties', () => {
    const k = randn([2, 1, 5, 3], { ...f64, seed: 40 }), v = randn([2, 1, 5, 4], { ...f64, seed: 41 });
    const grow = new KVCache({ batch: 2, nKvHeads: 1, headDim: 3, valueDim: 4, dtype: 'float64' });
    const pre = new KVCache({ batch: 2, nKvHeads: 1, headDim: 3, valueDim: 4, maxLength: 8, dtype: 'float64' });
    for (const c of [grow, pre]) {
      c.append(seq4(k, 0, 2), seq4(v, 0, 2));
      const { keys, values } = c.append(seq4(k, 2, 5), seq4(v, 2, 5));
      expect(c.length).toBe(5);
      expectClose(keys, k.dataSync(), 0, 'keys');
      expectClose(values, v.dataSync(), 0, 'values');
      c.reset();
      expect(c.length).toBe(0);
      expect(c.keys).toBeNull();
    }
  });

  test('buffers outlive tidy() scopes; the caller keeps its own tensors', () => {
    const c = new KVCache({ batch: 1, nKvHeads: 1, headDim: 2 });
    const k = full([1, 1, 1, 2], 3);
    tidy(() => {
      c.append(k, full([1, 1, 1, 2], 4));
    });
    tidy(() => c.append(full([1, 1, 1, 2], 5), full([1, 1, 1, 2], 6)));
    expect(Array.from(c.keys!.dataSync())).toEqual([3, 3, 5, 5]);
    expect(Array.from(k.dataSync())).toEqual([3, 3]);
  });

  test('typed errors name the cache, the argument and the shapes', () => {
    const c = new KVCache({ batch: 2, nKvHeads: 2, headDim: 4, maxLength: 3 });
    expect(() => c.append(full([1, 2, 1, 4], 0), full([1, 2, 1, 4], 0))).toThrow(ShapeError);
    expect(() => c.append(full([1, 2, 1, 4], 0), full([1, 2, 1, 4], 0))).toThrow(/^KVCache: k \(1,2,1,4\) does not fit the cache: expected \(2,2,T,4\)/);
    expect(() => c.append(full([2, 2, 1, 4], 0), full([2, 2, 2, 4], 0))).toThrow(/^KVCache: k \(2,2,1,4\) and v \(2,2,2,4\) hold different numbers of tokens/);
    expect(() => c.append(full([2, 2, 1, 4], 0, f64), full([2, 2, 1, 4], 0, f64))).toThrow(DTypeError);
    c.append(full([2, 2, 2, 4], 0), full([2, 2, 2, 4], 0));
    expect(() => c.append(full([2, 2, 2, 4], 0), full([2, 2, 2, 4], 0))).toThrow(StateError);
    expect(() => c.append(full([2, 2, 2, 4], 0), full([2, 2, 2, 4], 0))).toThrow(/^KVCache: appending 2 tokens to the 2 cached would exceed maxLength 3/);
    expect(() => new KVCache({ batch: 0, nKvHeads: 1, headDim: 1 })).toThrow(/^KVCache: batch 0 must be a positive integer/);
  });
});

describe('MultiHeadAttention typed errors', () => {
  const gen = new Generator(0);
  test('input and options', () => {
    const m = new MultiHeadAttention(8, 4, { gen });
    expect(() => m.forward(full([2, 3, 6], 0))).toThrow(ShapeError);
    expect(() => m.forward(full([2, 3, 6], 0))).toThrow(/^MultiHeadAttention: x \(2,3,6\): expected \(B, T, C\) with C = dModel 8/);
    expect(() => new MultiHeadAttention(10, 4, { gen })).toThrow(ValueError);
    expect(() => new MultiHeadAttention(10, 4, { gen })).toThrow(/^MultiHeadAttention: dModel 10 is not divisible by nHeads 4/);
    expect(() => new MultiHeadAttention(8, 4, { nKvHeads: 3, gen })).toThrow(/^MultiHeadAttention: nKvHeads 3 must divide nHeads 4/);
    expect(() => new MultiHeadAttention(8, 4, { rope: { rotaryDim: 3 }, gen })).toThrow(/^MultiHeadAttention: rope.rotaryDim 3 must be an even integer in \[0, headDim 2\]/);
    expect(() => new MultiHeadAttention(8, 4, { dropout: 1, gen })).toThrow(/^MultiHeadAttention: dropout 1 must lie in \[0, 1\)/);
  });
  test('a cache for another shape', () => {
    const m = new MultiHeadAttention(8, 4, { nKvHeads: 2, gen });
    const wrong = new KVCache({ batch: 1, nKvHeads: 4, headDim: 2 });
    expect(() => m.forward(full([1, 3, 8], 0), { cache: wrong })).toThrow(/^KVCache: k \(1,2,3,2\) does not fit the cache: expected \(1,4,T,2\)/);
  });
});

function seq4(t: Tensor, a: number, b: number): Tensor {
  return slice(t, { starts: [a], ends: [b], axes: [2] });
}

