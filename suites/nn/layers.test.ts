import { describe, expect, test } from 'vitest';
import {
  BatchNorm1d, BatchNorm2d, Bilinear, Conv1d, Conv2d, ConvTranspose2d, Dropout, Embedding, Generator, GroupNorm, InstanceNorm2d,
  LayerNorm, Linear, Module, ModuleList, RMSNorm, Sequential, ShapeError, StateDictError, ValueError, backward, gradients, mul,
  ones, relu, sum, tensor, type Tensor,
} from '../../engine/index.js';
import { expectClose } from '../harness/expect.js';

const f64 = (v: unknown[] | number, shape?: number[]) => tensor(v as number[], { dtype: 'float64', ...(shape ? { shape } : {}) });
const vals = (t: Tensor) => Array.from(t.dataSync());
const gen = (seed = 1) => new Generator(seed);
const shapes = (m: Module) => Object.fromEntries(Object.entries(m.stateDict()).map(([k, t]) => [k, [...t.shape]]));
const names = (m: Module) => [...m.namedParameters()].map(([n]) => n);
/** Sets a module's tensors from plain values (through loadStateDict, as a user would). */
function setState(m: Module, values: Record<string, number[]>): void {
  const own = m.stateDict();
  m.loadStateDict(Object.fromEntries(Object.entries(values).map(([k, v]) => [k, tensor(v, { dtype: own[k]!.dtype, shape: own[k]!.shape })])), { strict: false });
}

/** Central finite differences of a scalar function of p's values, p restored afterwards. */
function numericGrad(loss: () => number, p: Tensor, h = 1e-6): number[] {
  const base = vals(p);
  const at = (i: number, d: number) => {
    const v = base.slice();
    v[i]! += d;
    p.assign(f64(v, [...p.shape]));
    return loss();
  };
  const g = base.map((_, i) => (at(i, h) - at(i, -h)) / (2 * h));
  p.assign(f64(base, [...p.shape]));
  return g;
}

describe('parameter names and shapes match torch.nn', () => {
  // Expectations from the torch docs (and torch 1.13's state_dict() for the same constructors).
  test.each<[string, () => Module, Record<string, number[]>]>([
    ['Linear(3, 4)', () => new Linear(3, 4), { weight: [4, 3], bias: [4] }],
    ['Linear(3, 4, bias=False)', () => new Linear(3, 4, { bias: false }), { weight: [4, 3] }],
    ['Bilinear(2, 3, 4)', () => new Bilinear(2, 3, 4), { weight: [4, 2, 3], bias: [4] }],
    ['Conv1d(4, 6, 3, groups=2)', () => new Conv1d(4, 6, 3, { groups: 2 }), { weight: [6, 2, 3], bias: [6] }],
    ['Conv2d(4, 6, (3, 2), groups=2)', () => new Conv2d(4, 6, [3, 2], { groups: 2 }), { weight: [6, 2, 3, 2], bias: [6] }],
    ['ConvTranspose2d(4, 6, (3, 2), groups=2)', () => new ConvTranspose2d(4, 6, [3, 2], { groups: 2 }), { weight: [4, 3, 3, 2], bias: [6] }],
    ['Embedding(5, 3)', () => new Embedding(5, 3), { weight: [5, 3] }],
    ['LayerNorm([2, 3])', () => new LayerNorm([2, 3]), { weight: [2, 3], bias: [2, 3] }],
    ['RMSNorm(3)', () => new RMSNorm(3), { weight: [3] }],
    ['GroupNorm(2, 4)', () => new GroupNorm(2, 4), { weight: [4], bias: [4] }],
    ['BatchNorm1d(3)', () => new BatchNorm1d(3), { weight: [3], bias: [3], running_mean: [3], running_var: [3], num_batches_tracked: [] }],
    ['BatchNorm2d(3, affine=False)', () => new BatchNorm2d(3, { affine: false }), { running_mean: [3], running_var: [3], num_batches_tracked: [] }],
    ['BatchNorm1d(3, track_running_stats=False)', () => new BatchNorm1d(3, { trackRunningStats: false }), { weight: [3], bias: [3] }],
    ['InstanceNorm2d(3)', () => new InstanceNorm2d(3), {}],
    ['InstanceNorm2d(3, affine, track)', () => new InstanceNorm2d(3, { affine: true, trackRunningStats: true }), { weight: [3], bias: [3], running_mean: [3], running_var: [3], num_batches_tracked: [] }],
    ['Sequential(Linear, relu, Linear)', () => new Sequential(new Linear(2, 3), relu, new Linear(3, 1)), { '0.weight': [3, 2], '0.bias': [3], '2.weight': [1, 3], '2.bias': [1] }],
    ['ModuleList([Linear(1, 1), BatchNorm1d(2)])', () => new ModuleList<Module>([new Linear(1, 1), new BatchNorm1d(2)]), {
      '0.weight': [1, 1], '0.bias': [1], '1.weight': [2], '1.bias': [2], '1.running_mean': [2], '1.running_var': [2], '1.num_batches_tracked': [],
    }],
  ])('%s', (_, make, want) => {
    const m = make();
    expect(shapes(m)).toEqual(want);
    // Buffers are in the state dict but are not parameters.
    expect(names(m).sort()).toEqual(Object.keys(want).filter((k) => !/running_|num_batches/.test(k)).sort());
  });

  test('num_batches_tracked is an int32 scalar; buffers do not require gradients', () => {
    const bn = new BatchNorm1d(2);
    expect(bn.stateDict()['num_batches_tracked']!.dtype).toBe('int32');
    expect(bn.runningMean!.requiresGrad).toBe(false);
    expect(bn.weight!.requiresGrad).toBe(true);
  });
});

describe('default initialization follows torch', () => {
  const absMax = (t: Tensor) => Math.max(...vals(t).map(Math.abs));

  test.each<[string, () => { weight: Tensor; bias: Tensor | null }, number]>([
    // bound = 1/sqrt(fan_in); fan_in = weight.shape[1] * kernel size
    ['Linear(400, 300): 1/sqrt(400)', () => new Linear(400, 300, { gen: gen() }), 1 / 20],
    ['Bilinear(20, 30, 5): 1/sqrt(in1)', () => new Bilinear(20, 30, 5, { gen: gen() }), 1 / Math.sqrt(20)],
    ['Conv1d(4, 8, 5): 1/sqrt(4*5)', () => new Conv1d(4, 8, 5, { gen: gen() }), 1 / Math.sqrt(20)],
    ['Conv2d(4, 6, (3, 2), groups=2): 1/sqrt(2*3*2)', () => new Conv2d(4, 6, [3, 2], { groups: 2, gen: gen() }), 1 / Math.sqrt(12)],
    ['ConvTranspose2d(4, 6, (3, 2), groups=2): 1/sqrt((6/2)*3*2)', () => new ConvTranspose2d(4, 6, [3, 2], { groups: 2, gen: gen() }), 1 / Math.sqrt(18)],
  ])('%s', (_, make, bound) => {
    const { weight, bias } = make();
    expect(absMax(weight)).toBeLessThanOrEqual(bound);
    expect(absMax(weight)).toBeGreaterThan(0.8 * bound);
    expect(absMax(bias!)).toBeLessThanOrEqual(bound);
  });

  test('Linear weights are uniform: mean ~ 0, variance ~ bound²/3', () => {
    const w = vals(new Linear(400, 300, { gen: gen(3) }).weight);
    const mean = w.reduce((a, b) => a + b, 0) / w.length;
    const variance = w.reduce((a, b) => a + (b - mean) ** 2, 0) / w.length;
    expect(Math.abs(mean)).toBeLessThan(1e-3);
    expect(variance).toBeCloseTo(0.05 ** 2 / 3, 5);
  });

  test('Embedding is N(0, 1) with the padding row zero; norms start at weight 1, bias 0', () => {
    const e = new Embedding(1000, 16, { paddingIdx: -1, gen: gen() });
    expect(e.paddingIdx).toBe(999);
    const w = vals(e.weight);
    expect(w.slice(999 * 16)).toEqual(Array(16).fill(0));
    const body = w.slice(0, 999 * 16);
    const mean = body.reduce((a, b) => a + b, 0) / body.length;
    const std = Math.sqrt(body.reduce((a, b) => a + (b - mean) ** 2, 0) / body.length);
    expect(Math.abs(mean)).toBeLessThan(0.05);
    expect(Math.abs(std - 1)).toBeLessThan(0.05);
    const ln = new LayerNorm(3);
    expect(vals(ln.weight!)).toEqual([1, 1, 1]);
    expect(vals(ln.bias!)).toEqual([0, 0, 0]);
    const bn = new BatchNorm2d(2);
    expect(vals(bn.runningMean!)).toEqual([0, 0]);
    expect(vals(bn.runningVar!)).toEqual([1, 1]);
  });

  test('the same generator seed gives the same weights; without one, layers differ from each other', () => {
    expect(vals(new Linear(3, 3, { gen: gen(5) }).weight)).toEqual(vals(new Linear(3, 3, { gen: gen(5) }).weight));
    expect(vals(new Linear(3, 3, { gen: gen(5) }).weight)).not.toEqual(vals(new Linear(3, 3, { gen: gen(6) }).weight));
    expect(vals(new Linear(3, 3).weight)).not.toEqual(vals(new Linear(3, 3).weight));
  });

  test('dtype option: float64 parameters', () => {
    const l = new Linear(2, 2, { dtype: 'float64' });
    expect(l.weight.dtype).toBe('float64');
    expect(l.bias!.dtype).toBe('float64');
    expect(new LayerNorm(2, { dtype: 'float64' }).weight!.dtype).toBe('float64');
  });
});

describe('Linear and Bilinear forward and gradients', () => {
  test('Linear: y = x Wᵀ + b for 1-D, 2-D and 3-D inputs', () => {
    const l = new Linear(3, 2, { dtype: 'float64' });
    setState(l, { weight: [1, 2, 3, 0, -1, 1], bias: [0.5, -1] });
    // x = [1, 1, 2]: W x = [1 + 2 + 6, 0 - 1 + 2] = [9, 1]; + b = [9.5, 0]
    expect(vals(l.forward(f64([1, 1, 2])))).toEqual([9.5, 0]);
    expect(l.forward(f64([[1, 1, 2], [0, 0, 0]])).toArray()).toEqual([[9.5, 0], [0.5, -1]]);
    expect(l.forward(f64([1, 1, 2, 1, 1, 2], [2, 1, 3])).shape).toEqual([2, 1, 2]);
    const nb = new Linear(3, 2, { bias: false, dtype: 'float64' });
    setState(nb, { weight: [1, 2, 3, 0, -1, 1] });
    expect(vals(nb.forward(f64([1, 1, 2])))).toEqual([9, 1]);
  });

  test('Linear gradients: dW = dOutᵀ x, db = Σ dOut, dx = dOut W', () => {
    const l = new Linear(2, 2, { dtype: 'float64' });
    setState(l, { weight: [1, 2, 3, 4], bias: [0, 0] });
    const x = f64([[1, -1], [2, 0.5]]).requireGrad();
    const [dW, db, dx] = gradients([sum(l.forward(x))], [f64(1)], [l.weight, l.bias!, x]);
    expect(dW!.toArray()).toEqual([[3, -0.5], [3, -0.5]]); // each row: Σ_n x[n]
    expect(vals(db!)).toEqual([2, 2]);
    expect(dx!.toArray()).toEqual([[4, 6], [4, 6]]); // Σ_o W[o, :]
  });

  test('Linear rejects an input whose last dimension is not inFeatures', () => {
    expect(() => new Linear(3, 2).forward(ones([2, 4]))).toThrow(ShapeError);
    expect(() => new Linear(3, 2).forward(ones([2, 4]))).toThrow('Linear: x (2,4): the last dimension must be inFeatures = 3');
  });

  test('Bilinear: y_o = x1ᵀ A_o x2 + b_o', () => {
    const b = new Bilinear(2, 2, 2, { dtype: 'float64' });
    // A_0 = [[1, 2], [3, 4]], A_1 = I; b = [1, 0]
    setState(b, { weight: [1, 2, 3, 4, 1, 0, 0, 1], bias: [1, 0] });
    // x1 = [1, 1], x2 = [1, 2]: A_0 x2 = [5, 11], x1·[5, 11] = 16, + 1 = 17; x1ᵀ I x2 = 3
    expect(vals(b.forward(f64([1, 1]), f64([1, 2])))).toEqual([17, 3]);
    // batched with leading shape (2, 1): second row x1 = [2, 0], x2 = [0, 1]: 2·A_0[0,1] = 4 + 1 = 5; x1·x2 = 0
    expect(b.forward(f64([1, 1, 2, 0], [2, 1, 2]), f64([1, 2, 0, 1], [2, 1, 2])).toArray()).toEqual([[[17, 3]], [[5, 0]]]);
  });

  test('Bilinear gradients match finite differences (weight, bias, both inputs)', () => {
    const b = new Bilinear(3, 2, 2, { dtype: 'float64', gen: gen(9) });
    const x1 = f64([0.3, -1.2, 0.7, 1.1, 0.2, -0.4], [2, 3]).requireGrad();
    const x2 = f64([0.5, 2, -1, 0.25], [2, 2]).requireGrad();
    const w = f64([1, -2, 0.5, 3], [2, 2]); // a fixed non-uniform cotangent
    const loss = () => sum(mul(b.forward(x1, x2), w));
    const analytic = gradients([loss()], [f64(1)], [b.weight, b.bias!, x1, x2]);
    [b.weight, b.bias!, x1, x2].forEach((p, i) => expectClose(vals(analytic[i]!), numericGrad(() => loss().item(), p), 1e-7));
  });

  test('Bilinear rejects inputs with different leading shapes', () => {
    expect(() => new Bilinear(2, 3, 1).forward(ones([4, 2]), ones([5, 3]))).toThrow(
      'Bilinear: x1 (4,2) and x2 (5,3): expected (..., 2) and (..., 3) with the same leading shape',
    );
  });
});

describe('convolution layers', () => {
  test('Conv1d: a difference kernel, with padding and stride', () => {
    const c = new Conv1d(1, 1, 2, { bias: false, dtype: 'float64' });
    setState(c, { weight: [1, -1] });
    const x = f64([1, 2, 4, 7], [1, 1, 4]);
    // y[i] = x[i] - x[i+1]
    expect(vals(c.forward(x))).toEqual([-1, -2, -3]);
    const padded = new Conv1d(1, 1, 2, { bias: false, padding: 1, dtype: 'float64' });
    setState(padded, { weight: [1, -1] });
    expect(vals(padded.forward(x))).toEqual([-1, -1, -2, -3, 7]); // on [0, 1, 2, 4, 7, 0]
    const strided = new Conv1d(1, 1, 2, { bias: false, stride: 2, dtype: 'float64' });
    setState(strided, { weight: [1, -1] });
    expect(vals(strided.forward(x))).toEqual([-1, -3]);
  });

  test('Conv1d with groups = channels scales each channel by its own kernel, plus bias', () => {
    const c = new Conv1d(2, 2, 1, { groups: 2, dtype: 'float64' });
    setState(c, { weight: [2, 3], bias: [1, 0] });
    expect(c.forward(f64([1, 2, 3, 4], [1, 2, 2])).toArray()).toEqual([[[3, 5], [9, 12]]]);
  });

  test('Conv2d: a 2x2 box filter on arange(9), with bias', () => {
    const c = new Conv2d(1, 1, 2, { dtype: 'float64' });
    setState(c, { weight: [1, 1, 1, 1], bias: [0.5] });
    // windows of [[0,1,2],[3,4,5],[6,7,8]]: 0+1+3+4 = 8, 12, 20, 24
    expect(c.forward(f64([0, 1, 2, 3, 4, 5, 6, 7, 8], [1, 1, 3, 3])).toArray()).toEqual([[[[8.5, 12.5], [20.5, 24.5]]]]);
  });

  test("Conv2d padding 'same' keeps the spatial size; output shapes follow torch's formula", () => {
    const x = ones([2, 4, 7, 6]);
    expect(new Conv2d(4, 8, 3, { padding: 'same' }).forward(x).shape).toEqual([2, 8, 7, 6]);
    // floor((7 + 2·1 - 2·(3-1) - 1)/2) + 1 = 3, floor((6 + 2·1 - 2·(2-1) - 1)/2) + 1 = 3
    expect(new Conv2d(4, 6, [3, 2], { stride: 2, padding: 1, dilation: 2, groups: 2 }).forward(x).shape).toEqual([2, 6, 3, 3]);
  });

  test('ConvTranspose2d: stride 2 places a scaled copy of the kernel per input pixel', () => {
    const c = new ConvTranspose2d(1, 1, 2, { stride: 2, bias: false, dtype: 'float64' });
    setState(c, { weight: [1, 2, 3, 4] });
    expect(c.forward(f64([1, 0, 0, 2], [1, 1, 2, 2])).toArray()).toEqual([[[
      [1, 2, 0, 0], [3, 4, 0, 0], [0, 0, 2, 4], [0, 0, 6, 8],
    ]]]);
    // (H - 1)·stride - 2·padding + dilation·(k - 1) + outputPadding + 1 = 2·2 - 2 + 2 + 1 + 1 = 6
    expect(new ConvTranspose2d(4, 6, 3, { stride: 2, padding: 1, outputPadding: 1, groups: 2 }).forward(ones([1, 4, 3, 3])).shape).toEqual([1, 6, 6, 6]);
  });

  test('constructor errors: channels not divisible by groups, non-positive kernel', () => {
    expect(() => new Conv2d(3, 4, 3, { groups: 2 })).toThrow(ValueError);
    expect(() => new Conv2d(3, 4, 3, { groups: 2 })).toThrow('Conv2d: inChannels 3 and outChannels 4 must both be divisible by groups 2');
    expect(() => new Conv1d(2, 2, 0)).toThrow('Conv1d: kernelSize 0 must be an integer >= 1');
    expect(() => new ConvTranspose2d(2, 3, 2, { groups: 2 })).toThrow(ValueError);
    expect(() => new Conv2d(2, 2, 3, { padding: 'same', stride: [1, 2] })).toThrow("Conv2d: padding 'same' needs stride 1, got stride [1,2]");
  });
});

describe('Embedding', () => {
  test('looks up rows; the padding row gets no gradient', () => {
    const e = new Embedding(3, 2, { paddingIdx: 0, dtype: 'float64' });
    setState(e, { weight: [0, 0, 1, 2, 3, 4] });
    const idx = tensor([[0, 2], [1, 2]], { dtype: 'int32' });
    expect(e.forward(idx).toArray()).toEqual([[[0, 0], [3, 4]], [[1, 2], [3, 4]]]);
    backward(sum(e.forward(idx)));
    expect(e.weight.grad!.toArray()).toEqual([[0, 0], [1, 1], [2, 2]]); // row counts; padding row 0
  });

  test('fromPretrained shares the values and is frozen by default', () => {
    const w = f64([1, 2, 3, 4], [2, 2]);
    const e = Embedding.fromPretrained(w);
    expect(e.weight.requiresGrad).toBe(false);
    expect(e.forward(tensor([1], { dtype: 'int32' })).toArray()).toEqual([[3, 4]]);
    expect(Embedding.fromPretrained(w, { freeze: false }).weight.requiresGrad).toBe(true);
  });

  test('paddingIdx out of range is a ValueError', () => {
    expect(() => new Embedding(5, 2, { paddingIdx: 5 })).toThrow('Embedding: paddingIdx 5 must be an integer in [-5, 5)');
  });
});

describe('feature normalization layers', () => {
  test('LayerNorm: (x - mean)/sqrt(var + eps)·w + b over the trailing dims', () => {
    const ln = new LayerNorm(3, { eps: 0, dtype: 'float64' });
    setState(ln, { weight: [1, 2, 3], bias: [0, 1, 0] });
    // x = [1, 2, 3]: mean 2, biased var 2/3, x̂ = [-√1.5, 0, √1.5]
    expectClose(vals(ln.forward(f64([1, 2, 3]))), [-Math.sqrt(1.5), 1, 3 * Math.sqrt(1.5)]);
    expect(new LayerNorm(3, { elementwiseAffine: false }).stateDict()).toEqual({});
    expect(Object.keys(new LayerNorm(3, { bias: false }).stateDict())).toEqual(['weight']);
  });

  test('RMSNorm: x / sqrt(mean(x²) + eps)·w', () => {
    const n = new RMSNorm(2, { eps: 0, dtype: 'float64' });
    setState(n, { weight: [1, -2] });
    // x = [3, 4]: mean(x²) = 12.5
    expectClose(vals(n.forward(f64([3, 4]))), [3 / Math.sqrt(12.5), -8 / Math.sqrt(12.5)]);
  });

  test('GroupNorm: statistics per group of channels', () => {
    const g = new GroupNorm(2, 4, { eps: 0, dtype: 'float64' });
    // groups {1, 3}: mean 2, var 1; {10, 14}: mean 12, var 4 -> each [-1, 1]
    expectClose(vals(g.forward(f64([1, 3, 10, 14], [1, 4, 1]))), [-1, 1, -1, 1]);
    expect(() => new GroupNorm(3, 4)).toThrow('GroupNorm: numChannels 4 must be divisible by numGroups 3');
  });
});

describe('batch and instance normalization', () => {
  // x (4, 2): channel 0 = [1, 2, 3, 4] (mean 2.5, biased var 1.25, unbiased 5/3),
  //           channel 1 = [0, 0, 2, 2] (mean 1, biased var 1, unbiased 4/3)
  const x = () => f64([1, 0, 2, 0, 3, 2, 4, 2], [4, 2]);

  test('training normalizes with batch statistics and updates the running stats as torch', () => {
    const bn = new BatchNorm1d(2, { dtype: 'float64' });
    const y = vals(bn.forward(x()));
    const eps = 1e-5;
    expectClose(y, [1, 0, 2, 0, 3, 2, 4, 2].map((v, i) => (i % 2 === 0 ? (v - 2.5) / Math.sqrt(1.25 + eps) : (v - 1) / Math.sqrt(1 + eps))));
    // running = (1 - 0.1)·running + 0.1·batch, with the unbiased variance
    expectClose(vals(bn.runningMean!), [0.25, 0.1]);
    expectClose(vals(bn.runningVar!), [0.9 + 0.1 * (5 / 3), 0.9 + 0.1 * (4 / 3)]);
    expect(bn.numBatchesTracked!.item()).toBe(1);
    bn.forward(x());
    expectClose(vals(bn.runningMean!), [0.9 * 0.25 + 0.25, 0.9 * 0.1 + 0.1]);
    expect(bn.numBatchesTracked!.item()).toBe(2);
  });

  test('eval normalizes with the running stats and leaves them alone', () => {
    const bn = new BatchNorm1d(2, { dtype: 'float64', momentum: 0.5 });
    setState(bn, { weight: [2, 1], bias: [0, -1], running_mean: [1, 2], running_var: [4, 0.25] });
    bn.eval();
    const y = vals(bn.forward(x()));
    const eps = 1e-5;
    expectClose(y, [1, 0, 2, 0, 3, 2, 4, 2].map((v, i) => (i % 2 === 0 ? (2 * (v - 1)) / Math.sqrt(4 + eps) : (v - 2) / Math.sqrt(0.25 + eps) - 1)));
    expect(vals(bn.runningMean!)).toEqual([1, 2]);
    expect(bn.numBatchesTracked!.item()).toBe(0);
  });

  test('momentum null keeps a cumulative average of the batch statistics', () => {
    const bn = new BatchNorm1d(2, { dtype: 'float64', momentum: null });
    bn.forward(x());
    bn.forward(mul(x(), 3)); // channel means 7.5 and 3
    expectClose(vals(bn.runningMean!), [(2.5 + 7.5) / 2, (1 + 3) / 2]);
    expectClose(vals(bn.runningVar!), [(5 / 3 + 15) / 2, (4 / 3 + 12) / 2]);
  });

  test('without running stats, eval also uses batch statistics', () => {
    const bn = new BatchNorm1d(2, { dtype: 'float64', trackRunningStats: false }).eval();
    expectClose(vals(bn.forward(x())).slice(0, 1), [(1 - 2.5) / Math.sqrt(1.25 + 1e-5)]);
  });

  test('BatchNorm2d: statistics per channel over N, H, W', () => {
    const bn = new BatchNorm2d(1, { dtype: 'float64', eps: 0 });
    // values 1, 2, 3, 6: mean 3, biased var (4 + 1 + 0 + 9)/4 = 3.5
    expectClose(vals(bn.forward(f64([1, 2, 3, 6], [2, 1, 1, 2]))), [1, 2, 3, 6].map((v) => (v - 3) / Math.sqrt(3.5)));
  });

  test('input errors: wrong rank, wrong channel count, one value per channel in training', () => {
    expect(() => new BatchNorm2d(2).forward(ones([2, 2, 3]))).toThrow('BatchNorm2d: x (2,2,3): expected 4-D input, got 3-D');
    expect(() => new BatchNorm1d(3).forward(ones([2, 2]))).toThrow('BatchNorm1d: x (2,2): expected 3 channels on axis 1, got 2');
    expect(() => new BatchNorm1d(3).forward(ones([1, 3]))).toThrow('BatchNorm1d: x (1,3): expected more than 1 value per channel when training');
    expect(() => new BatchNorm1d(3).eval().forward(ones([1, 3]))).not.toThrow();
  });

  test('InstanceNorm2d: statistics per example and channel; unbatched input too', () => {
    const n = new InstanceNorm2d(2, { eps: 0 });
    // channel 0 = [1, 3] -> [-1, 1]; channel 1 = [2, 6] -> [-1, 1]
    expectClose(vals(n.forward(f64([1, 3, 2, 6], [1, 2, 1, 2]))), [-1, 1, -1, 1]);
    expectClose(vals(n.forward(f64([1, 3, 2, 6], [2, 1, 2]))), [-1, 1, -1, 1]);
  });

  test('InstanceNorm2d with running stats: the batch average of per-instance stats, used in eval', () => {
    const n = new InstanceNorm2d(1, { trackRunningStats: true, dtype: 'float64', eps: 0 });
    // instances [1, 3] (mean 2, unbiased var 2) and [2, 6] (mean 4, unbiased var 8)
    expectClose(vals(n.forward(f64([1, 3, 2, 6], [2, 1, 1, 2]))), [-1, 1, -1, 1]);
    expectClose(vals(n.runningMean!), [0.1 * 3]);
    expectClose(vals(n.runningVar!), [0.9 + 0.1 * 5]);
    n.eval();
    expectClose(vals(n.forward(f64([0.3, 1.7], [1, 1, 1, 2]))), [0, 1.4 / Math.sqrt(1.4)]);
  });
});

describe('Dropout', () => {
  const x = () => ones([2000]);

  test('training zeroes about p of the elements and scales the rest by 1/(1 - p)', () => {
    const d = new Dropout(0.25, { gen: gen(7) });
    const y = vals(d.forward(x()));
    expect(new Set(y.map((v) => Math.round(v * 1e6) / 1e6))).toEqual(new Set([0, Math.round(1e6 / 0.75) / 1e6]));
    const kept = y.filter((v) => v !== 0).length / y.length;
    expect(Math.abs(kept - 0.75)).toBeLessThan(0.04);
  });

  test('eval and p = 0 are the identity; the same seed gives the same masks; each call draws a new mask', () => {
    const t = x();
    expect(new Dropout(0.5).eval().forward(t)).toBe(t);
    expect(new Dropout(0).forward(t)).toBe(t);
    const a = new Dropout(0.5, { gen: gen(3) }), b = new Dropout(0.5, { gen: gen(3) });
    const first = vals(a.forward(t));
    expect(vals(b.forward(t))).toEqual(first);
    expect(vals(a.forward(t))).not.toEqual(first);
  });

  test('p outside [0, 1] is a ValueError', () => {
    expect(() => new Dropout(1.5)).toThrow('Dropout: p 1.5 must lie in [0, 1]');
  });
});

describe('containers', () => {
  test('Sequential chains its steps; functions take an index but hold no parameters', () => {
    const g = gen(2);
    const seq = new Sequential(new Linear(2, 3, { gen: g, dtype: 'float64' }), relu, new Linear(3, 1, { gen: g, dtype: 'float64' }));
    expect(names(seq)).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    expect(seq.length).toBe(3);
    const xin = f64([[0.5, -1], [2, 1]]);
    const l0 = seq.at(0) as Linear, l2 = seq.at(-1) as Linear;
    expect(vals(seq.forward(xin))).toEqual(vals(l2.forward(relu(l0.forward(xin)))));
    expect(() => seq.at(3)).toThrow('Sequential: index 3 is out of range for 3 steps');
  });

  test('train/eval reach every descendant', () => {
    const drop = new Dropout(0.5);
    const seq = new Sequential(new Linear(2, 2), new Sequential(drop));
    seq.eval();
    expect(drop.training).toBe(false);
    seq.train();
    expect(drop.training).toBe(true);
  });

  test('ModuleList registers items as 0, 1, ...; nested names are dotted paths', () => {
    class Block extends Module {
      readonly attn = this.module('attn', new ModuleList([new Linear(2, 6, { bias: false })]));
    }
    class Net extends Module {
      readonly blocks = this.module('blocks', new ModuleList([new Block(), new Block()]));
    }
    const net = new Net();
    expect(names(net)).toEqual(['blocks.0.attn.0.weight', 'blocks.1.attn.0.weight']);
    expect(net.blocks.length).toBe(2);
    expect([...net.blocks].length).toBe(2);
    expect(net.blocks.at(-1)).toBe([...net.blocks][1]);
    net.blocks.append(new Block());
    expect(names(net)).toHaveLength(3);
  });
});

describe('loadStateDict', () => {
  test('missing, unexpected and wrongly shaped keys are all listed, and nothing is loaded', () => {
    const l = new Linear(3, 2);
    const before = vals(l.weight);
    let err: unknown;
    try {
      l.loadStateDict({ weight: ones([3, 2]), extra: ones([1]) });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StateDictError);
    expect((err as StateDictError).problems).toEqual([
      'missing keys: bias',
      'unexpected keys: extra',
      'weight: shape (3,2) in the state dict, (2,3) in the module',
    ]);
    expect((err as Error).message).toMatch(/^loadStateDict: Linear: missing keys: bias; unexpected keys: extra; weight: shape/);
    expect(vals(l.weight)).toEqual(before);
  });

  test('a good state dict copies values into the same tensors (in place)', () => {
    const a = new Linear(2, 2, { gen: gen(1) }), b = new Linear(2, 2, { gen: gen(2) });
    const w = b.weight;
    b.loadStateDict(a.stateDict());
    expect(b.weight).toBe(w);
    expect(vals(b.weight)).toEqual(vals(a.weight));
  });
});
