// RNN / LSTM / GRU cells and layers: values against PyTorch (fixture), hand-derived steps,
// torch's parameter names and layouts, gradient checks through time, dropout and typed errors.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  GRU, GRUCell, Generator, LSTM, LSTMCell, RNN, RNNCell, ShapeError, ValueError, fromArray, full, gradients, randn, reshape, tensor,
  transpose, type Tensor,
} from '../../engine/index.js';
import { checkModuleGradients } from '../harness/modulecheck.js';

interface Encoded {
  shape: number[];
  data: number[];
}
interface Case {
  kind: 'LSTM' | 'GRU' | 'RNN' | 'LSTMCell' | 'GRUCell' | 'RNNCell';
  options: Record<string, unknown>;
  state: Record<string, Encoded>;
  inputs: Record<string, Encoded>;
  outputs: Record<string, Encoded>;
}
const fixture = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'recurrent.json'), 'utf8')) as { torch: string; cases: Case[] };
const decode = (e: Encoded): Tensor => fromArray(Float64Array.from(e.data), e.shape, 'float64');
const f64 = { dtype: 'float64' as const };

function build(c: Case) {
  const { inputSize, hiddenSize, ...rest } = c.options as { inputSize: number; hiddenSize: number };
  const opts = { ...rest, ...f64, gen: new Generator(1) };
  switch (c.kind) {
    case 'LSTM': return new LSTM(inputSize, hiddenSize, opts);
    case 'GRU': return new GRU(inputSize, hiddenSize, opts);
    case 'RNN': return new RNN(inputSize, hiddenSize, opts);
    case 'LSTMCell': return new LSTMCell(inputSize, hiddenSize, opts);
    case 'GRUCell': return new GRUCell(inputSize, hiddenSize, opts);
    case 'RNNCell': return new RNNCell(inputSize, hiddenSize, opts);
  }
}

function run(m: ReturnType<typeof build>, x: Tensor, h0?: Tensor, c0?: Tensor): Record<string, Tensor> {
  if (m instanceof LSTM) return m.forward(x, h0, c0);
  if (m instanceof LSTMCell) return m.forward(x, h0, c0);
  if (m instanceof GRU || m instanceof RNN) return m.forward(x, h0);
  return { h: m.forward(x, h0) };
}

function expectClose(got: Tensor, want: ArrayLike<number>, shape: readonly number[], tol: number, what: string): void {
  expect(got.shape, `${what} shape`).toEqual(shape);
  const g = got.dataSync();
  for (let i = 0; i < want.length; i++) {
    expect(Math.abs(g[i]! - want[i]!), `${what}[${i}]: ours ${g[i]}, want ${want[i]}`).toBeLessThanOrEqual(tol * (1 + Math.abs(want[i]!)));
  }
}

describe(`recurrent layers match torch.nn ${fixture.torch} (float64)`, () => {
  test.each(fixture.cases.map((c, i) => [`${c.kind} #${i} ${JSON.stringify(c.options)}`, c] as const))('%s', (_label, c) => {
    const m = build(c);
    // Our parameter names and registration order are torch's, so torch's state dict loads strictly.
    expect([...m.namedParameters()].map(([n]) => n)).toEqual(Object.keys(c.state));
    m.loadStateDict(Object.fromEntries(Object.entries(c.state).map(([k, v]) => [k, decode(v)])));
    const { x, h0, c0 } = c.inputs;
    const outs = run(m, decode(x!), h0 && decode(h0), c0 && decode(c0));
    for (const [k, want] of Object.entries(c.outputs)) expectClose(outs[k]!, want.data, want.shape, 1e-12, `${c.kind} ${k}`);
  });
});

/** Loads constant parameters: every weight `w`, every bias `b`. */
function setConstant(m: LSTMCell | GRUCell | RNNCell, w: number, b: number): void {
  const sd = Object.fromEntries([...m.namedParameters()].map(([n, p]) => [n, full(p.shape, n.startsWith('weight') ? w : b, f64)]));
  m.loadStateDict(sd);
}

describe('one step by hand', () => {
  test('RNNCell: h\' = tanh(w_ih x + b_ih + w_hh h + b_hh)', () => {
    const m = new RNNCell(1, 1, f64);
    m.loadStateDict({ weight_ih: tensor([[0.5]], f64), weight_hh: tensor([[-1]], f64), bias_ih: tensor([0.1], f64), bias_hh: tensor([0.2], f64) });
    // 0.5 * 2 + 0.1 - 1 * 0.3 + 0.2 = 1
    expect(m.forward(tensor([[2]], f64), tensor([[0.3]], f64)).item()).toBeCloseTo(Math.tanh(1), 15);
    const relu = new RNNCell(1, 1, { ...f64, nonlinearity: 'relu' });
    relu.loadStateDict(m.stateDict());
    expect(relu.forward(tensor([[-2]], f64), tensor([[0.3]], f64)).item()).toBe(0); // -1 + 0.1 - 0.3 + 0.2 < 0
  });

  test('LSTMCell with zero weights and biases: every gate is σ(0) = 1/2, g = 0', () => {
    const m = new LSTMCell(2, 3, f64);
    setConstant(m, 0, 0);
    const c = tensor([[1, -2, 4]], f64);
    const { h, c: c2 } = m.forward(tensor([[5, -7]], f64), full([1, 3], 0.9, f64), c);
    // c' = σ(0) c + σ(0) tanh(0) = c / 2;  h' = σ(0) tanh(c') = tanh(c / 2) / 2
    expectClose(c2, [0.5, -1, 2], [1, 3], 1e-15, 'c');
    expectClose(h, [0.5, -1, 2].map((v) => Math.tanh(v) / 2), [1, 3], 1e-15, 'h');
  });

  test('LSTMCell gate order is i, f, g, o', () => {
    // Biases only: i = σ(b_i), f = σ(b_f), g = tanh(b_g), o = σ(b_o); c = 0.5.
    const m = new LSTMCell(1, 1, f64);
    const [bi, bf, bg, bo] = [0.3, -0.4, 0.7, 1.1];
    m.loadStateDict({ weight_ih: full([4, 1], 0, f64), weight_hh: full([4, 1], 0, f64), bias_ih: tensor([bi, bf, bg, bo], f64), bias_hh: full([4], 0, f64) });
    const s = (v: number) => 1 / (1 + Math.exp(-v));
    const { h, c } = m.forward(tensor([[1]], f64), tensor([[0]], f64), tensor([[0.5]], f64));
    const cWant = s(bf) * 0.5 + s(bi) * Math.tanh(bg);
    expect(c.item()).toBeCloseTo(cWant, 15);
    expect(h.item()).toBeCloseTo(s(bo) * Math.tanh(cWant), 15);
  });

  test('GRUCell with zero weights and biases: r = z = 1/2, n = 0, h\' = h / 2', () => {
    const m = new GRUCell(2, 3, f64);
    setConstant(m, 0, 0);
    expectClose(m.forward(tensor([[5, -7]], f64), tensor([[1, -2, 4]], f64)), [0.5, -1, 2], [1, 3], 1e-15, 'h');
  });

  test('GRUCell gate order is r, z, n, and r scales the hidden projection including b_hn', () => {
    // Weights 0; b_ih = (br, bz, bn), b_hh = (0, 0, c): n = tanh(bn + σ(br) c), h' = (1 - z) n + z h.
    const m = new GRUCell(1, 1, f64);
    const [br, bz, bn, cc, h] = [0.2, -0.6, 0.3, 0.9, 0.7];
    m.loadStateDict({ weight_ih: full([3, 1], 0, f64), weight_hh: full([3, 1], 0, f64), bias_ih: tensor([br, bz, bn], f64), bias_hh: tensor([0, 0, cc], f64) });
    const s = (v: number) => 1 / (1 + Math.exp(-v));
    const n = Math.tanh(bn + s(br) * cc), z = s(bz);
    expect(m.forward(tensor([[1]], f64), tensor([[h]], f64)).item()).toBeCloseTo((1 - z) * n + z * h, 15);
  });

  test('unbatched input (I) gives the batched result without the batch axis', () => {
    const m = new GRUCell(3, 2, { ...f64, gen: new Generator(3) });
    const x = randn([3], { ...f64, seed: 1 }), h = randn([2], { ...f64, seed: 2 });
    const one = m.forward(x, h);
    expect(one.shape).toEqual([2]);
    expectClose(m.forward(reshape(x, [1, 3]), reshape(h, [1, 2])), one.dataSync(), [1, 2], 0, 'h');
  });
});

describe('layer semantics', () => {
  const gen = () => new Generator(11);
  test('parameter names, shapes and registration order follow torch (2 layers, bidirectional)', () => {
    const m = new LSTM(3, 4, { numLayers: 2, bidirectional: true, gen: gen() });
    const names = [...m.namedParameters()].map(([n, p]) => `${n} ${p.shape.join('x')}`);
    expect(names.slice(0, 8)).toEqual([
      'weight_ih_l0 16x3', 'weight_hh_l0 16x4', 'bias_ih_l0 16', 'bias_hh_l0 16',
      'weight_ih_l0_reverse 16x3', 'weight_hh_l0_reverse 16x4', 'bias_ih_l0_reverse 16', 'bias_hh_l0_reverse 16',
    ]);
    expect(names[8]).toBe('weight_ih_l1 16x8'); // layer 1 reads both directions of layer 0
    expect(names).toHaveLength(16);
    expect(new GRU(3, 4, { bias: false, gen: gen() }).stateDict()).not.toHaveProperty('bias_ih_l0');
  });

  test('init is U(-1/sqrt(H), 1/sqrt(H)) and reproducible from the generator', () => {
    const a = new GRU(5, 9, { numLayers: 2, gen: new Generator(5) });
    const b = new GRU(5, 9, { numLayers: 2, gen: new Generator(5) });
    const c = new GRU(5, 9, { numLayers: 2, gen: new Generator(6) });
    const all = (m: GRU) => a.parameters().flatMap((_, i) => Array.from(m.parameters()[i]!.dataSync()));
    expect(all(a)).toEqual(all(b));
    expect(all(a)).not.toEqual(all(c));
    const vals = all(a);
    expect(Math.max(...vals.map(Math.abs))).toBeLessThanOrEqual(1 / 3);
    expect(Math.max(...vals)).toBeGreaterThan(0.3); // the range is used, not a narrower one
  });

  test('batchFirst is the transpose of the time-major layout; states stay (layers * D, N, H)', () => {
    const tm = new LSTM(3, 4, { numLayers: 2, bidirectional: true, ...f64, gen: gen() });
    const bf = new LSTM(3, 4, { numLayers: 2, bidirectional: true, batchFirst: true, ...f64, gen: gen() });
    const x = randn([5, 2, 3], { ...f64, seed: 3 });
    const a = tm.forward(x), b = bf.forward(transpose(x, 0, 1));
    expectClose(b.output, transpose(a.output, 0, 1).dataSync(), [2, 5, 8], 0, 'output');
    expectClose(b.h, a.h.dataSync(), [4, 2, 4], 0, 'h');
    expectClose(b.c, a.c.dataSync(), [4, 2, 4], 0, 'c');
  });

  test('bidirectional: the forward half ends at t = T-1, the reverse half at t = 0 (h_n layer-major)', () => {
    const m = new GRU(3, 4, { bidirectional: true, ...f64, gen: gen() });
    const { output, h } = m.forward(randn([6, 2, 3], { ...f64, seed: 4 }));
    const o = output.toArray() as number[][][], hn = h.toArray() as number[][][];
    expect(o[5]!.map((row) => row.slice(0, 4))).toEqual(hn[0]);
    expect(o[0]!.map((row) => row.slice(4))).toEqual(hn[1]);
  });

  test('unbatched (T, I) input equals a batch of one', () => {
    const m = new RNN(3, 4, { numLayers: 2, ...f64, gen: gen() });
    const x = randn([5, 3], { ...f64, seed: 5 });
    const single = m.forward(x, randn([2, 4], { ...f64, seed: 6 }));
    const batch = m.forward(reshape(x, [5, 1, 3]), randn([2, 1, 4], { ...f64, seed: 6 }));
    expect(single.output.shape).toEqual([5, 4]);
    expect(single.h.shape).toEqual([2, 4]);
    expectClose(single.output, batch.output.dataSync(), [5, 4], 0, 'output');
    expectClose(single.h, batch.h.dataSync(), [2, 4], 0, 'h');
  });

  test('dropout acts between layers in training mode only, reproducibly from the generator', () => {
    const make = (p: number) => new LSTM(3, 4, { numLayers: 2, dropout: p, ...f64, gen: new Generator(9) });
    const x = randn([5, 2, 3], { ...f64, seed: 7 });
    const plain = make(0).forward(x).output.dataSync();
    const drop = make(0.5);
    expect(Array.from(drop.eval().forward(x).output.dataSync())).toEqual(Array.from(plain));
    const t1 = Array.from(make(0.5).train().forward(x).output.dataSync());
    const t2 = Array.from(make(0.5).train().forward(x).output.dataSync());
    expect(t1).toEqual(t2);
    expect(t1).not.toEqual(Array.from(plain));
    // Only the first layer's output is dropped: a one-layer LSTM ignores dropout entirely.
    const one = (p: number) => new LSTM(3, 4, { dropout: p, ...f64, gen: new Generator(9) }).train().forward(x).output.dataSync();
    expect(Array.from(one(0.5))).toEqual(Array.from(one(0)));
  });

  test('every parameter and the initial states receive a finite gradient', () => {
    const m = new LSTM(3, 4, { numLayers: 2, bidirectional: true, batchFirst: true, ...f64, gen: gen() });
    const h0 = randn([4, 2, 4], { ...f64, seed: 8 }).requireGrad(), c0 = randn([4, 2, 4], { ...f64, seed: 9 }).requireGrad();
    const { output, h, c } = m.forward(randn([2, 5, 3], { ...f64, seed: 10 }), h0, c0);
    const wrt = [...m.parameters(), h0, c0];
    const gs = gradients([output, h, c], [output, h, c].map((t) => full(t.shape, 1, f64)), wrt);
    gs.forEach((g, i) => {
      expect(g, `gradient ${i}`).not.toBeNull();
      expect(Array.from(g!.dataSync()).every(Number.isFinite)).toBe(true);
      expect(Array.from(g!.dataSync()).some((v) => v !== 0)).toBe(true);
    });
  });
});

describe('gradients through time match finite differences (float64, T = 5, 2 layers, bidirectional)', () => {
  const cases = [
    ['LSTM', false], ['LSTM', true], ['GRU', false], ['GRU', true], ['RNN', false], ['RNN', true],
  ] as const;
  test.each(cases)('%s batchFirst=%s', (kind, batchFirst) => {
    const opts = { numLayers: 2, bidirectional: true, batchFirst, ...f64, gen: new Generator(21) };
    const m = kind === 'LSTM' ? new LSTM(3, 4, opts) : kind === 'GRU' ? new GRU(3, 4, opts) : new RNN(3, 4, opts);
    const N = 2, T = 5;
    const x = randn(batchFirst ? [N, T, 3] : [T, N, 3], { ...f64, seed: 22 });
    const h0 = randn([4, N, 4], { ...f64, seed: 23 }), c0 = randn([4, N, 4], { ...f64, seed: 24 });
    const fn = (): Tensor[] => {
      if (m instanceof LSTM) {
        const r = m.forward(x, h0, c0);
        return [r.output, r.h, r.c];
      }
      const r = m.forward(x, h0);
      return [r.output, r.h];
    };
    const inputs: Record<string, Tensor> = kind === 'LSTM' ? { x, h0, c0 } : { x, h0 };
    const res = checkModuleGradients(fn, Object.fromEntries(m.namedParameters()), inputs);
    const bad = res.leaves.filter((l) => !(l.relErr <= 1e-6));
    expect(bad, `worst ${res.worst.toExponential(2)}`).toEqual([]);
    expect(res.leaves).toHaveLength(Object.keys(inputs).length + m.parameters().length + 1);
  });

  test.each(['LSTMCell', 'GRUCell', 'RNNCell'] as const)('%s', (kind) => {
    const opts = { ...f64, gen: new Generator(31) };
    const m = kind === 'LSTMCell' ? new LSTMCell(3, 4, opts) : kind === 'GRUCell' ? new GRUCell(3, 4, opts) : new RNNCell(3, 4, opts);
    const x = randn([2, 3], { ...f64, seed: 32 }), h = randn([2, 4], { ...f64, seed: 33 }), c = randn([2, 4], { ...f64, seed: 34 });
    const fn = (): Tensor | Tensor[] => (m instanceof LSTMCell ? Object.values(m.forward(x, h, c)) : m.forward(x, h));
    const res = checkModuleGradients(fn, Object.fromEntries(m.namedParameters()), m instanceof LSTMCell ? { x, h, c } : { x, h });
    expect(res.worst).toBeLessThanOrEqual(1e-6);
  });

  test('the check fails on a wrong gradient (sanity of the harness)', () => {
    // A function whose value does not depend on `w` the way autodiff is told: detach hides a path.
    const m = new RNNCell(2, 2, { ...f64, gen: new Generator(41) });
    const x = randn([1, 2], { ...f64, seed: 42 });
    const w = m.parameters()[0]!;
    const res = checkModuleGradients(() => m.forward(x, m.forward(x).detach()), { weight_ih: w });
    expect(res.passed).toBe(false);
  });
});

describe('typed errors name the layer, the argument and the shapes', () => {
  const gen = new Generator(0);
  test('input feature size', () => {
    const m = new LSTM(3, 4, { gen });
    expect(() => m.forward(full([5, 2, 6], 0))).toThrow(ShapeError);
    expect(() => m.forward(full([5, 2, 6], 0))).toThrow(/^LSTM: x \(5,2,6\): expected \(T, N, I\) .*inputSize 3/);
    expect(() => new GRUCell(3, 4, { gen }).forward(full([2, 5], 0))).toThrow(/^GRUCell: x \(2,5\)/);
  });
  test('initial state shape', () => {
    const m = new GRU(3, 4, { numLayers: 2, batchFirst: true, gen });
    expect(() => m.forward(full([2, 5, 3], 0), full([2, 5, 4], 0))).toThrow(ShapeError);
    expect(() => m.forward(full([2, 5, 3], 0), full([2, 5, 4], 0))).toThrow(/^GRU: h0 \(2,5,4\) does not fit x \(2,5,3\): expected \(2,2,4\)/);
    const l = new LSTM(3, 4, { gen });
    expect(() => l.forward(full([5, 2, 3], 0), null, full([1, 3, 4], 0))).toThrow(/^LSTM: c0 \(1,3,4\)/);
  });
  test('options', () => {
    expect(() => new RNN(3, 4, { nonlinearity: 'gelu' as 'tanh', gen })).toThrow(ValueError);
    expect(() => new RNN(3, 4, { nonlinearity: 'gelu' as 'tanh', gen })).toThrow(/^RNN: nonlinearity 'gelu'/);
    expect(() => new LSTM(3, 4, { numLayers: 0, gen })).toThrow(/^LSTM: numLayers 0 must be an integer >= 1/);
    expect(() => new GRU(0, 4, { gen })).toThrow(/^GRU: inputSize 0/);
    expect(() => new GRU(3, 4, { dropout: 1.5, gen })).toThrow(/^GRU: dropout 1.5 must lie in \[0, 1\]/);
  });
});
