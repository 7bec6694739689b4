// Optimizers, schedules and gradient clipping (torch.optim semantics).
// - Each optimizer's first steps on the quadratic f(x) = ½xᵀAx − bᵀx match an update sequence
//   computed here in plain JS numbers from the published equations (written out per optimizer).
// - Each minimizes the Rosenbrock function from (-1.5, 2) to a stated tolerance, and trains a
//   small two-layer MLP (raw tensors) on a fixed synthetic regression task.
// - Parameter groups, zeroGrad, skipped parameters, state dicts, flat live-buffer counts, errors.
// - Schedules replay torch 1.13's sequences (suites/fixtures/schedules.json); clipping by hand.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  Adadelta, Adagrad, Adam, AdamW, CosineAnnealingLR, DTypeError, ExponentialLR, Generator, LinearWarmupCosine, Lion, MultiStepLR, RMSprop,
  ReduceLROnPlateau, Rprop, SGD, StateDictError, StateError, StepLR, ValueError, add, backward, clipGradNorm, clipGradValue, getBackend, matmul,
  mean, mul, randn, scalar, sin, square, sub, sum, tanh, tensor, tidy, type Optimizer, type Tensor,
} from '../../engine/index.js';
import { expectError } from '../harness/expect.js';

const f64 = (v: number[]) => tensor(v, { dtype: 'float64' });
const vals = (t: Tensor) => Array.from(t.dataSync());
function close(got: readonly number[], want: readonly number[], tol = 1e-12, what = ''): void {
  expect(got.length).toBe(want.length);
  want.forEach((w, i) => expect(Math.abs(got[i]! - w), `${what}[${i}]: got ${got[i]}, want ${w}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(w))));
}
// ---------------------------------------------------------------------------------------------
// Three steps on f(x) = ½xᵀAx − bᵀx, A = [[3,1],[1,2]], b = [1,−1], x0 = [1, 2]:
// ∇f(x) = Ax − b = [3x0 + x1 − 1, x0 + 2x1 + 1].
const A = [[3, 1], [1, 2]];
const B = [1, -1];
const X0 = [1, 2];
const gradQ = (x: number[]) => [A[0]![0]! * x[0]! + A[0]![1]! * x[1]! - B[0]!, A[1]![0]! * x[0]! + A[1]![1]! * x[1]! - B[1]!];

function quadratic(x: Tensor): Tensor {
  const Ax = matmul(tensor(A, { dtype: 'float64' }), x);
  return sub(mul(sum(mul(x, Ax)), 0.5), sum(mul(f64(B), x)));
}

/** Our optimizer on the quadratic: the iterates after each step. */
function ours(make: (ps: Tensor[]) => Optimizer<{ lr: number }>, steps: number): number[][] {
  const x = f64(X0).requireGrad();
  const opt = make([x]);
  const xs: number[][] = [];
  for (let t = 0; t < steps; t++) {
    opt.zeroGrad();
    tidy(() => backward(quadratic(x)));
    opt.step();
    xs.push(vals(x));
  }
  return xs;
}

/** The reference: `update(x, g, t)` (t = 1, 2, ...) returns the next iterate, elementwise math. */
function reference(update: (x: number[], g: number[], t: number) => number[], steps: number): number[][] {
  let x = [...X0];
  const xs: number[][] = [];
  for (let t = 1; t <= steps; t++) xs.push((x = update(x, gradQ(x), t)));
  return xs;
}
const zeros2 = () => [0, 0];
const map2 = (f: (i: number) => number) => [f(0), f(1)];

interface QuadCase {
  name: string;
  make: (ps: Tensor[]) => Optimizer<{ lr: number }>;
  /** A fresh reference update (its closure holds the optimizer state). */
  ref: () => (x: number[], g: number[], t: number) => number[];
  steps?: number;
}

const QUAD_CASES: QuadCase[] = [
  {
    // SGD: g ← g + λx; b₁ = g₁, b_t = μb + (1 − τ)g; x ← x − γ·b
    name: 'SGD momentum 0.9, dampening 0.1, weightDecay 0.05',
    make: (ps) => new SGD(ps, { lr: 0.1, momentum: 0.9, dampening: 0.1, weightDecay: 0.05 }),
    ref: () => {
      let buf: number[] | null = null;
      return (x, g0, t) => {
        const g = map2((i) => g0[i]! + 0.05 * x[i]!);
        buf = t === 1 ? g : map2((i) => 0.9 * buf![i]! + 0.9 * g[i]!);
        return map2((i) => x[i]! - 0.1 * buf![i]!);
      };
    },
  },
  {
    // Nesterov: b as above (τ = 0); x ← x − γ(g + μb)
    name: 'SGD nesterov',
    make: (ps) => new SGD(ps, { lr: 0.05, momentum: 0.8, nesterov: true }),
    ref: () => {
      let buf: number[] | null = null;
      return (x, g, t) => {
        buf = t === 1 ? g : map2((i) => 0.8 * buf![i]! + g[i]!);
        return map2((i) => x[i]! - 0.05 * (g[i]! + 0.8 * buf![i]!));
      };
    },
  },
  {
    // maximize: ascend, x ← x + γg
    name: 'SGD maximize',
    make: (ps) => new SGD(ps, { lr: 0.1, maximize: true }),
    ref: () => (x, g) => map2((i) => x[i]! + 0.1 * g[i]!),
  },
  {
    // Rprop: f = η⁺ if g·prev > 0, η⁻ if < 0, else 1; η ← clamp(η·f, min, max); g ← 0 where f = η⁻;
    // x ← x − sign(g)·η; prev ← g. With lr 0.7 element 0 changes sign at step 3 and the step
    // size of element 1 hits the max 0.9; four steps also cover prev = 0 after the masking.
    name: 'Rprop etas (0.5, 1.2), stepSizes (1e-6, 0.9)',
    steps: 4,
    make: (ps) => new Rprop(ps, { lr: 0.7, etas: [0.5, 1.2], stepSizes: [1e-6, 0.9] }),
    ref: () => {
      const prev = zeros2(), eta = [0.7, 0.7];
      return (x, g) =>
        map2((i) => {
          const s = g[i]! * prev[i]!;
          const f = s > 0 ? 1.2 : s < 0 ? 0.5 : 1;
          eta[i] = Math.min(0.9, Math.max(1e-6, eta[i]! * f));
          const gi = f === 0.5 ? 0 : g[i]!;
          prev[i] = gi;
          return x[i]! - Math.sign(gi) * eta[i]!;
        });
    },
  },
  {
    // RMSprop: v ← αv + (1 − α)g²; x ← x − γ·g/(√v + ε)
    name: 'RMSprop plain',
    make: (ps) => new RMSprop(ps, { lr: 0.01, alpha: 0.9 }),
    ref: () => {
      const v = zeros2();
      return (x, g) =>
        map2((i) => {
          v[i] = 0.9 * v[i]! + 0.1 * g[i]! ** 2;
          return x[i]! - (0.01 * g[i]!) / (Math.sqrt(v[i]!) + 1e-8);
        });
    },
  },
  {
    // centered + momentum + L2: g ← g + λx; v ← αv + (1−α)g²; m ← αm + (1−α)g;
    // d = √(v − m²) + ε; buf ← μ·buf + g/d; x ← x − γ·buf
    name: 'RMSprop centered, momentum 0.5, weightDecay 0.1',
    make: (ps) => new RMSprop(ps, { lr: 0.01, alpha: 0.9, eps: 1e-6, centered: true, momentum: 0.5, weightDecay: 0.1 }),
    ref: () => {
      const v = zeros2(), m = zeros2(), buf = zeros2();
      return (x, g0) =>
        map2((i) => {
          const g = g0[i]! + 0.1 * x[i]!;
          v[i] = 0.9 * v[i]! + 0.1 * g * g;
          m[i] = 0.9 * m[i]! + 0.1 * g;
          buf[i] = 0.5 * buf[i]! + g / (Math.sqrt(v[i]! - m[i]! ** 2) + 1e-6);
          return x[i]! - 0.01 * buf[i]!;
        });
    },
  },
  {
    // Adagrad: g ← g + λx; clr = γ/(1 + (t−1)·decay); S ← S + g² (S₀ = 0.1); x ← x − clr·g/(√S + ε)
    name: 'Adagrad lrDecay 0.5, initialAccumulatorValue 0.1, weightDecay 0.1',
    make: (ps) => new Adagrad(ps, { lr: 0.1, lrDecay: 0.5, initialAccumulatorValue: 0.1, weightDecay: 0.1 }),
    ref: () => {
      const S = [0.1, 0.1];
      return (x, g0, t) =>
        map2((i) => {
          const g = g0[i]! + 0.1 * x[i]!;
          S[i] = S[i]! + g * g;
          return x[i]! - ((0.1 / (1 + (t - 1) * 0.5)) * g) / (Math.sqrt(S[i]!) + 1e-10);
        });
    },
  },
  {
    // Adadelta: v ← ρv + (1−ρ)g²; Δ = √(u + ε)/√(v + ε)·g; u ← ρu + (1−ρ)Δ²; x ← x − γΔ
    name: 'Adadelta rho 0.9, weightDecay 0.1',
    make: (ps) => new Adadelta(ps, { lr: 1, rho: 0.9, eps: 1e-6, weightDecay: 0.1 }),
    ref: () => {
      const v = zeros2(), u = zeros2();
      return (x, g0) =>
        map2((i) => {
          const g = g0[i]! + 0.1 * x[i]!;
          v[i] = 0.9 * v[i]! + 0.1 * g * g;
          const d = (Math.sqrt(u[i]! + 1e-6) / Math.sqrt(v[i]! + 1e-6)) * g;
          u[i] = 0.9 * u[i]! + 0.1 * d * d;
          return x[i]! - d;
        });
    },
  },
  {
    // Adam: m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; m̂ = m/(1−β₁ᵗ); v̂ = v/(1−β₂ᵗ); x ← x − γm̂/(√v̂ + ε)
    // (torch's form: x ← x − (γ/(1−β₁ᵗ))·m/(√v/√(1−β₂ᵗ) + ε), the same up to rounding)
    name: 'Adam',
    make: (ps) => new Adam(ps, { lr: 0.1 }),
    ref: () => adamRef(0.1, 0.9, 0.999, 1e-8, 0, false),
  },
  {
    // AMSGrad with L2: g ← g + λx; v_max ← max(v_max, v) used in place of v. With β₂ = 0.5 and
    // lr 0.5 the gradient shrinks fast enough that v falls below v_max for element 0.
    name: 'Adam amsgrad, betas (0.9, 0.5), weightDecay 0.1',
    make: (ps) => new Adam(ps, { lr: 0.5, betas: [0.9, 0.5], weightDecay: 0.1, amsgrad: true }),
    ref: () => adamRef(0.5, 0.9, 0.5, 1e-8, 0.1, true),
  },
  {
    // AdamW: x ← x(1 − γλ) first, then Adam's step (no L2 term in g)
    name: 'AdamW weightDecay 0.1',
    make: (ps) => new AdamW(ps, { lr: 0.1, weightDecay: 0.1 }),
    ref: () => {
      const adam = adamRef(0.1, 0.9, 0.999, 1e-8, 0, false);
      return (x, g, t) => adam(map2((i) => x[i]! * (1 - 0.1 * 0.1)), g, t);
    },
  },
  {
    // Lion: x ← x(1 − γλ); c = β₁m + (1−β₁)g; x ← x − γ·sign(c); m ← β₂m + (1−β₂)g
    name: 'Lion weightDecay 0.1',
    make: (ps) => new Lion(ps, { lr: 0.1, betas: [0.9, 0.99], weightDecay: 0.1 }),
    ref: () => {
      const m = zeros2();
      return (x, g) =>
        map2((i) => {
          const c = 0.9 * m[i]! + 0.1 * g[i]!;
          m[i] = 0.99 * m[i]! + 0.01 * g[i]!;
          return x[i]! * (1 - 0.01) - 0.1 * Math.sign(c);
        });
    },
  },
];

function adamRef(lr: number, b1: number, b2: number, eps: number, wd: number, amsgrad: boolean) {
  const m = zeros2(), v = zeros2(), vMax = zeros2();
  return (x: number[], g0: number[], t: number) =>
    map2((i) => {
      const g = g0[i]! + wd * x[i]!;
      m[i] = b1 * m[i]! + (1 - b1) * g;
      v[i] = b2 * v[i]! + (1 - b2) * g * g;
      vMax[i] = Math.max(vMax[i]!, v[i]!);
      const mHat = m[i]! / (1 - b1 ** t), vHat = (amsgrad ? vMax[i]! : v[i]!) / (1 - b2 ** t);
      return x[i]! - (lr * mHat) / (Math.sqrt(vHat) + eps);
    });
}

describe('each optimizer matches its published update equations on a quadratic', () => {
  test.each(QUAD_CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const steps = c.steps ?? 3;
    const got = ours(c.make, steps), want = reference(c.ref(), steps);
    got.forEach((x, t) => close(x, want[t]!, 1e-12, `${c.name} step ${t + 1}`));
  });

  test('the AMSGrad case does exercise the running maximum', () => {
    const x = f64(X0).requireGrad();
    const opt = new Adam([x], { lr: 0.5, betas: [0.9, 0.5], amsgrad: true, weightDecay: 0.1 });
    for (let t = 0; t < 3; t++) {
      opt.zeroGrad();
      tidy(() => backward(quadratic(x)));
      opt.step();
    }
    const s = opt.stateOf(x)!;
    expect(s.step).toBe(3);
    const v = vals(s.tensors.expAvgSq!), vMax = vals(s.tensors.maxExpAvgSq!);
    expect(vMax[0]).toBeGreaterThan(v[0]!);
  });
});

// ---------------------------------------------------------------------------------------------
// Rosenbrock f(x, y) = (1 − x)² + 100(y − x²)², minimum 0 at (1, 1), from (-1.5, 2) in float64.
interface RosenCase {
  name: string;
  make: (ps: Tensor[]) => Optimizer<{ lr: number }>;
  steps: number;
  /** Largest allowed distance to (1, 1) after `steps`. */
  tol: number;
  schedule?: (opt: Optimizer<{ lr: number }>) => { step(): void };
}

const ROSEN_CASES: RosenCase[] = [
  { name: 'SGD lr 1e-3 momentum 0.9', make: (ps) => new SGD(ps, { lr: 1e-3, momentum: 0.9 }), steps: 2000, tol: 1e-3 },
  { name: 'SGD lr 1e-3 nesterov 0.9', make: (ps) => new SGD(ps, { lr: 1e-3, momentum: 0.9, nesterov: true }), steps: 2000, tol: 1e-3 },
  { name: 'Rprop lr 0.01', make: (ps) => new Rprop(ps, { lr: 0.01 }), steps: 4000, tol: 5e-3 },
  { name: 'RMSprop lr 3e-3 centered momentum 0.9', make: (ps) => new RMSprop(ps, { lr: 3e-3, centered: true, momentum: 0.9 }), steps: 2000, tol: 2e-3 },
  { name: 'Adagrad lr 1.5', make: (ps) => new Adagrad(ps, { lr: 1.5 }), steps: 4000, tol: 0.06 },
  { name: 'Adadelta lr 0.1 rho 0.5', make: (ps) => new Adadelta(ps, { lr: 0.1, rho: 0.5 }), steps: 3000, tol: 0.1 },
  { name: 'Adam lr 0.05', make: (ps) => new Adam(ps, { lr: 0.05 }), steps: 2000, tol: 1e-4 },
  { name: 'Adam lr 0.05 amsgrad', make: (ps) => new Adam(ps, { lr: 0.05, amsgrad: true }), steps: 2000, tol: 2e-3 },
  { name: 'AdamW lr 0.05 weightDecay 1e-4', make: (ps) => new AdamW(ps, { lr: 0.05, weightDecay: 1e-4 }), steps: 2000, tol: 2e-3 },
  {
    name: 'Lion lr 0.01 with cosine annealing over the run',
    make: (ps) => new Lion(ps, { lr: 0.01 }),
    steps: 2000,
    tol: 0.01,
    schedule: (opt) => new CosineAnnealingLR(opt, 2000),
  },
];

describe('each optimizer minimizes the Rosenbrock function from (-1.5, 2)', () => {
  test.each(ROSEN_CASES.map((c) => [`${c.name}, ${c.steps} steps, within ${c.tol} of (1, 1)`, c] as const))('%s', (_n, c) => {
    const x = scalar(-1.5, { dtype: 'float64' }).requireGrad(), y = scalar(2, { dtype: 'float64' }).requireGrad();
    const opt = c.make([x, y]);
    const sched = c.schedule?.(opt);
    for (let t = 0; t < c.steps; t++) {
      opt.zeroGrad();
      tidy(() => backward(add(square(sub(1, x)), mul(square(sub(y, square(x))), 100))));
      opt.step();
      sched?.step();
    }
    const dist = Math.hypot(x.item() - 1, y.item() - 1);
    expect(dist, `${c.name}: ended at (${x.item()}, ${y.item()})`).toBeLessThanOrEqual(c.tol);
  });
});

// ---------------------------------------------------------------------------------------------
// A two-layer MLP from raw tensors, y = tanh(X·W1 + b1)·W2 + b2, fit by mean squared error to
// y* = sin(X·w*) on 64 fixed float32 samples (X ~ N(0, 1), 4 features, 16 hidden units).
const MLP_CASES: [string, (ps: Tensor[]) => Optimizer<{ lr: number }>][] = [
  ['SGD lr 0.05 momentum 0.9', (ps) => new SGD(ps, { lr: 0.05, momentum: 0.9 })],
  ['Rprop lr 0.01', (ps) => new Rprop(ps, { lr: 0.01 })],
  ['RMSprop lr 0.01', (ps) => new RMSprop(ps, { lr: 0.01 })],
  ['RMSprop lr 0.01 centered momentum 0.5', (ps) => new RMSprop(ps, { lr: 0.01, centered: true, momentum: 0.5 })],
  ['Adagrad lr 0.1', (ps) => new Adagrad(ps, { lr: 0.1 })],
  ['Adadelta lr 1', (ps) => new Adadelta(ps, { lr: 1 })],
  ['Adam lr 0.01', (ps) => new Adam(ps, { lr: 0.01 })],
  ['Adam lr 0.01 amsgrad weightDecay 1e-3', (ps) => new Adam(ps, { lr: 0.01, amsgrad: true, weightDecay: 1e-3 })],
  ['AdamW lr 0.01', (ps) => new AdamW(ps, { lr: 0.01 })],
  ['Lion lr 0.003', (ps) => new Lion(ps, { lr: 0.003 })],
];

function mlpTask() {
  const X = randn([64, 4], { seed: 11 });
  const Y = tidy(() => sin(matmul(X, tensor([[0.8], [-0.5], [0.3], [1.0]]))));
  const params = [randn([4, 16], { seed: 12, std: 0.5 }), tensor(Array(16).fill(0)), randn([16, 1], { seed: 13, std: 0.25 }), tensor([0])];
  for (const p of params) p.requireGrad();
  const [W1, b1, W2, b2] = params as [Tensor, Tensor, Tensor, Tensor];
  const loss = () => mean(square(sub(add(matmul(tanh(add(matmul(X, W1), b1)), W2), b2), Y)));
  return { params, loss };
}

describe('each optimizer trains a small MLP', () => {
  test.each(MLP_CASES)('%s lowers the loss by half in 60 steps, with flat live buffers', (_n, make) => {
    const { params, loss } = mlpTask();
    const opt = make(params);
    const ref = getBackend('ref');
    const losses: number[] = [], live: number[] = [];
    for (let t = 0; t < 60; t++) {
      opt.zeroGrad();
      losses.push(tidy(() => {
        const l = loss();
        backward(l);
        return l.item();
      }));
      opt.step();
      live.push(ref.memory().liveBuffers);
    }
    const final = tidy(() => loss().item());
    expect(final, `loss ${losses[0]} -> ${final}`).toBeLessThan(0.5 * losses[0]!);
    // After the first step (which creates the state) every step frees what it allocates.
    expect(new Set(live.slice(1)).size, `live buffers per step: ${live.join(',')}`).toBe(1);
  });
});

// ---------------------------------------------------------------------------------------------
describe('parameter groups, skipped parameters and zeroGrad', () => {
  test('each group uses its own options; a parameter without grad is skipped', () => {
    const x1 = f64([1, 2]).requireGrad(), x2 = f64([3]).requireGrad(), x3 = f64([5]).requireGrad();
    const opt = new SGD([{ params: [x1], lr: 0.1 }, { params: [x2, x3], momentum: 0.5 }], { lr: 0.01 });
    expect(opt.paramGroups.map((g) => [g.lr, g.momentum])).toEqual([[0.1, 0], [0.01, 0.5]]);
    for (let t = 0; t < 2; t++) {
      x1.grad = f64([1, -2]);
      x2.grad = f64([4]);
      opt.step();
    }
    close(vals(x1), [1 - 0.2, 2 + 0.4]); // two plain steps of 0.1·g
    close(vals(x2), [3 - 0.01 * 4 - 0.01 * (0.5 * 4 + 4)]); // b₁ = g, b₂ = 0.5·b₁ + g
    expect(vals(x3)).toEqual([5]);
    expect(opt.stateOf(x3)).toBeUndefined();
    expect(opt.stateOf(x2)!.step).toBe(2);
  });

  test('addParamGroup fills missing options with the defaults', () => {
    const opt = new Adam([f64([1]).requireGrad()], { lr: 0.1 });
    opt.addParamGroup({ params: [f64([2]).requireGrad()], betas: [0.5, 0.6] });
    expect(opt.paramGroups[1]).toMatchObject({ lr: 0.1, betas: [0.5, 0.6], eps: 1e-8, amsgrad: false });
  });

  test('zeroGrad sets gradients to null by default, to zeros with setToNone = false', () => {
    const x = f64([1, 2]).requireGrad();
    const opt = new SGD([x]);
    x.grad = f64([3, 4]);
    opt.zeroGrad(false);
    expect(vals(x.grad)).toEqual([0, 0]);
    opt.zeroGrad();
    expect(x.grad).toBeNull();
  });

  test('a gradient that does not match its parameter is a StateError', () => {
    const x = f64([1, 2]).requireGrad();
    const opt = new SGD([x]);
    x.grad = tensor([1, 2]);
    expectError(() => opt.step(), StateError, 'SGD: gradient (2) float32 on ref does not match its parameter (2) float64 on ref');
  });

  test('bad parameters and options raise ValueError naming the optimizer and the option', () => {
    const x = f64([1]).requireGrad();
    expectError(() => new SGD([]), ValueError, 'SGD: got an empty parameter list');
    expectError(() => new SGD([x, x]), ValueError, 'SGD: params[1] (1) appears more than once');
    expectError(() => new SGD([{ params: [x] }, { params: [x] }]), ValueError, 'appears more than once');
    expectError(() => new SGD([tensor([1], { dtype: 'int32' })]), DTypeError, 'SGD: params[0] (1) has dtype int32');
    expectError(() => new SGD([mul(x, 2)]), ValueError, 'SGD: params[0] (1) is not a leaf (it was produced by mul)');
    expectError(() => new SGD([x], { lr: -1 }), ValueError, 'SGD: lr -1 must be a finite number >= 0');
    expectError(() => new SGD([x], { nesterov: true }), ValueError, 'SGD: nesterov needs momentum > 0 and dampening 0');
    expectError(() => new Adam([x], { betas: [0.9, 1] }), ValueError, 'Adam: betas[1] 1 must lie in [0, 1)');
    expectError(() => new AdamW([{ params: [x], eps: -1 }]), ValueError, 'AdamW: eps -1 must be a finite number >= 0');
    expectError(() => new Rprop([x], { etas: [1.2, 0.5] }), ValueError, 'Rprop: etas [1.2,0.5] must satisfy 0 < etaminus < 1 < etaplus');
    expectError(() => new RMSprop([x], { alpha: 1.5 }), ValueError, 'RMSprop: alpha 1.5 must lie in [0, 1]');
    expectError(() => new Adadelta([x], { rho: -0.1 }), ValueError, 'Adadelta: rho -0.1 must lie in [0, 1]');
    expectError(() => new Adagrad([x], { lrDecay: -1 }), ValueError, 'Adagrad: lrDecay -1 must be a finite number >= 0');
    expectError(() => new Lion([x], { weightDecay: -0.1 }), ValueError, 'Lion: weightDecay -0.1 must be a finite number >= 0');
  });
});

// ---------------------------------------------------------------------------------------------
describe('optimizer state dicts', () => {
  function trained() {
    const xs = [f64([1, 2]).requireGrad(), f64([-1]).requireGrad()];
    const opt = new Adam([{ params: [xs[0]!] }, { params: [xs[1]!], lr: 0.05, amsgrad: true }], { lr: 0.1 });
    for (let t = 0; t < 3; t++) {
      xs[0]!.grad = f64([t + 1, -t]);
      xs[1]!.grad = f64([0.5 * t - 0.3]);
      opt.step();
    }
    return { xs, opt };
  }

  test('hold step counts, state tensors by parameter index and group options', () => {
    const { opt } = trained();
    const sd = opt.stateDict();
    expect(sd.paramGroups.map((g) => [g.params, g.lr, g.amsgrad])).toEqual([[[0], 0.1, false], [[1], 0.05, true]]);
    expect(sd.state[0]!.step).toBe(3);
    expect(Object.keys(sd.state[0]!.tensors).sort()).toEqual(['expAvg', 'expAvgSq']);
    expect(Object.keys(sd.state[1]!.tensors).sort()).toEqual(['expAvg', 'expAvgSq', 'maxExpAvgSq']);
  });

  test('round-trip: a fresh optimizer loaded from the dict continues identically', () => {
    const { xs, opt } = trained();
    const ys = xs.map((x) => f64(vals(x)).requireGrad());
    const fresh = new Adam([{ params: [ys[0]!] }, { params: [ys[1]!] }], { lr: 0.9 });
    fresh.loadStateDict(opt.stateDict());
    expect(fresh.paramGroups.map((g) => [g.lr, g.amsgrad])).toEqual([[0.1, false], [0.05, true]]);
    expect(fresh.stateOf(ys[0]!)!.tensors.expAvg).not.toBe(opt.stateOf(xs[0]!)!.tensors.expAvg); // copied
    for (let t = 0; t < 2; t++) {
      for (const ps of [xs, ys]) {
        ps[0]!.grad = f64([0.7, -t]);
        ps[1]!.grad = f64([t - 0.2]);
      }
      opt.step();
      fresh.step();
    }
    xs.forEach((x, i) => expect(vals(ys[i]!)).toEqual(vals(x)));
  });

  test('an optimizer can load its own state dict', () => {
    const { xs, opt } = trained();
    const before = vals(opt.stateOf(xs[1]!)!.tensors.maxExpAvgSq!);
    opt.loadStateDict(opt.stateDict());
    expect(vals(opt.stateOf(xs[1]!)!.tensors.maxExpAvgSq!)).toEqual(before);
    xs[1]!.grad = f64([1]);
    opt.step();
    expect(opt.stateOf(xs[1]!)!.step).toBe(4);
  });

  test('a dict that does not fit raises StateDictError listing every problem and loads nothing', () => {
    const { xs, opt } = trained();
    const sd = opt.stateDict();
    const other = new Adam([f64([0]).requireGrad()]);
    expectError(() => other.loadStateDict(sd), StateDictError, 'loadStateDict: Adam: 2 parameter groups in the state dict, 1 in the optimizer');
    const bad = { ...sd, state: { ...sd.state, 1: { step: -1, tensors: { expAvg: f64([1, 2, 3]) } } }, paramGroups: [sd.paramGroups[0]!, { ...sd.paramGroups[1]!, lr: -2 }] };
    const lrs = opt.paramGroups.map((g) => g.lr), m = vals(opt.stateOf(xs[1]!)!.tensors.expAvg!);
    expectError(
      () => opt.loadStateDict(bad),
      StateDictError,
      'group 1: Adam: lr -2 must be a finite number >= 0',
      'parameter 1: step -1 must be a non-negative integer',
      'parameter 1: expAvg (3) does not match the parameter (1)',
    );
    expect(opt.paramGroups.map((g) => g.lr)).toEqual(lrs);
    expect(vals(opt.stateOf(xs[1]!)!.tensors.expAvg!)).toEqual(m);
  });
});

// ---------------------------------------------------------------------------------------------
interface ScheduleCase {
  kind: string;
  options: Record<string, unknown>;
  lrs: number[];
  sequence: number[][];
  metrics?: number[];
}
const schedules = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'schedules.json'), 'utf8')) as { torch: string; cases: ScheduleCase[] };

function sgdWith(lrs: number[]): SGD {
  return new SGD(lrs.map((lr) => ({ params: [f64([0]).requireGrad()], lr })));
}

function buildSchedule(c: ScheduleCase, opt: SGD): { step(metric?: number): void; getLastLr(): number[] } {
  const o = c.options as { stepSize: number; gamma: number; milestones: number[]; tMax: number; etaMin: number };
  switch (c.kind) {
    case 'StepLR': return new StepLR(opt, o.stepSize, o.gamma);
    case 'MultiStepLR': return new MultiStepLR(opt, o.milestones, o.gamma);
    case 'ExponentialLR': return new ExponentialLR(opt, o.gamma);
    case 'CosineAnnealingLR': return new CosineAnnealingLR(opt, o.tMax, o.etaMin);
    case 'LinearWarmupCosine': return new LinearWarmupCosine(opt, c.options as never);
    case 'ReduceLROnPlateau': {
      const s = new ReduceLROnPlateau(opt, c.options);
      return { step: (m?: number) => s.step(m!), getLastLr: () => s.getLastLr() };
    }
  }
  throw new Error(c.kind);
}

describe(`schedules replay torch ${schedules.torch}'s lr sequences`, () => {
  test.each(schedules.cases.map((c, i) => [`${c.kind} #${i} ${JSON.stringify(c.options)}`, c] as const))('%s', (_n, c) => {
    const opt = sgdWith(c.lrs);
    const sched = buildSchedule(c, opt);
    const got = [opt.paramGroups.map((g) => g.lr)];
    for (let e = 0; e < c.sequence.length - 1; e++) {
      sched.step(c.metrics?.[e]);
      got.push(opt.paramGroups.map((g) => g.lr));
      expect(sched.getLastLr()).toEqual(got[e + 1]);
    }
    got.forEach((lrs, e) => close(lrs, c.sequence[e]!, 1e-12, `${c.kind} epoch ${e}`));
  });
});

describe('schedules: behaviour beyond the fixture', () => {
  test('LinearWarmupCosine: warmup from 0 by default, base at W, etaMin at M and after', () => {
    const opt = sgdWith([0.4]);
    const s = new LinearWarmupCosine(opt, { warmupEpochs: 4, maxEpochs: 6, etaMin: 0.1 });
    const lrs = [s.getLastLr()[0]!];
    for (let e = 1; e <= 9; e++) {
      s.step();
      lrs.push(s.getLastLr()[0]!);
    }
    // e < 4: 0.4·e/4; e = 4..6: 0.1 + 0.3·(1 + cos(π(e − 4)/2))/2 = 0.4, 0.25, 0.1; then 0.1
    close(lrs, [0, 0.1, 0.2, 0.3, 0.4, 0.25, 0.1, 0.1, 0.1, 0.1], 1e-15);
  });

  test('the optimizer steps with the scheduled lr; chained schedules compose like torch', () => {
    const x = f64([1]).requireGrad();
    const opt = new SGD([x], { lr: 0.1 });
    const exp = new ExponentialLR(opt, 0.9);
    const step = new StepLR(opt, 2, 0.1);
    const seen: number[] = [];
    for (let e = 0; e < 3; e++) {
      x.grad = f64([1]);
      opt.step();
      seen.push(1 - vals(x)[0]!);
      exp.step();
      step.step();
    }
    // lr: 0.1, then 0.1·0.9 = 0.09, then 0.09·0.9·0.1 = 0.0081 (StepLR acts at epoch 2)
    close(seen, [0.1, 0.19, 0.1981], 1e-14);
    expect(opt.paramGroups[0]!.initialLr).toBe(0.1);
    expect(step.baseLrs).toEqual([0.1]);
  });

  test('bad schedule arguments raise ValueError naming the schedule and the argument', () => {
    const opt = sgdWith([0.1, 0.2]);
    expectError(() => new StepLR(opt, 0), ValueError, 'StepLR: stepSize 0 must be an integer >= 1');
    expectError(() => new MultiStepLR(opt, [2, -1]), ValueError, 'MultiStepLR: milestones[1] -1 must be an integer >= 0');
    expectError(() => new ExponentialLR(opt, -0.5), ValueError, 'ExponentialLR: gamma -0.5 must be a finite number >= 0');
    expectError(() => new CosineAnnealingLR(opt, 0), ValueError, 'CosineAnnealingLR: tMax 0 must be an integer >= 1');
    expectError(() => new LinearWarmupCosine(opt, { warmupEpochs: 5, maxEpochs: 5 }), ValueError, 'LinearWarmupCosine: maxEpochs 5 must be an integer >= 6');
    expectError(() => new ReduceLROnPlateau(opt, { factor: 1 }), ValueError, 'ReduceLROnPlateau: factor 1 must lie in [0, 1)');
    expectError(() => new ReduceLROnPlateau(opt, { mode: 'up' as never }), ValueError, "ReduceLROnPlateau: mode 'up' must be 'min' or 'max'");
    expectError(() => new ReduceLROnPlateau(opt, { minLr: [0.1] }), ValueError, 'ReduceLROnPlateau: minLr has 1 entries for 2 parameter groups');
  });
});

// ---------------------------------------------------------------------------------------------
describe('gradient clipping', () => {
  const withGrads = (...gs: number[][]) => gs.map((g) => Object.assign(f64(g.map(() => 0)).requireGrad(), { grad: f64(g) }));

  test('clipGradNorm scales by maxNorm/(total + 1e-6) and returns the total norm', () => {
    // ‖(3, 4, 12)‖₂ = 13; ‖·‖₁ = 19; ‖·‖∞ = 12; ‖·‖₃ = (27 + 64 + 1728)^(1/3)
    for (const [p, total] of [[2, 13], [1, 19], [Infinity, 12], [3, Math.cbrt(1819)]] as const) {
      const ps = withGrads([3, 4], [12]);
      const norm = clipGradNorm(ps, 6.5, p);
      close([norm.item()], [total], 1e-14, `p = ${p}`);
      const c = 6.5 / (total + 1e-6);
      close(vals(ps[0]!.grad!), [3 * c, 4 * c], 1e-14);
      close(vals(ps[1]!.grad!), [12 * c], 1e-14);
    }
  });

  test('clipGradNorm leaves small gradients, skips null ones, returns 0 without any', () => {
    const ps = [...withGrads([0.3, 0.4]), f64([1]).requireGrad()];
    const g = ps[0]!.grad!;
    expect(clipGradNorm(ps, 1).item()).toBeCloseTo(0.5, 15);
    expect(vals(ps[0]!.grad!)).toEqual([0.3, 0.4]);
    expect(ps[0]!.grad).toBe(g); // written in place
    expect(ps[1]!.grad).toBeNull();
    expect(clipGradNorm([f64([1]).requireGrad()], 1).item()).toBe(0);
    expectError(() => clipGradNorm(ps, -1), ValueError, 'clipGradNorm: maxNorm -1 must be a number >= 0');
    expectError(() => clipGradNorm(ps, 1, 0), ValueError, 'clipGradNorm: normType 0 must be > 0 (or Infinity)');
  });

  test('clipGradValue clamps every element to [-v, v]', () => {
    const ps = withGrads([-3, 0.5, 2], [-0.1]);
    clipGradValue(ps, 1);
    expect(vals(ps[0]!.grad!)).toEqual([-1, 0.5, 1]);
    expect(vals(ps[1]!.grad!)).toEqual([-0.1]);
    expectError(() => clipGradValue(ps, -1), ValueError, 'clipGradValue: clipValue -1 must be a number >= 0');
  });
});
