// The fused optimizer steps (sgd_step, adam_step) beyond the registry-driven suites (parity, dtypes
// and the torch fixture run them op by op):
// - on ref the fused kernel agrees with the op's decomposition (the elementwise chain the
//   optimizers used before) in float64, for every attribute combination;
// - SGD, Adam and AdamW trajectories over 20 steps on native and webgpu (float32, fused kernels,
//   no decomposition fallback) match ref's float64 trajectory within float32 accuracy;
// - an Adam (amsgrad) training step on webgpu keeps the live-buffer count flat;
// - bad inputs raise the op's typed errors before any kernel runs.
import { describe, expect, test } from 'vitest';
import {
  Adam, AdamW, DTypeError, adamScalars, add, OPS, SGD, ShapeError, ValueError, adamStep, apply, backendStatus, backward, fallbackCounts,
  fromArray, initWebGPU, mul, requiredBackends, resetFallbackCounts, sgdStep, square, sub, sum, tidy,
  type AdamStepAttrs, type AnyOp, type Optimizer, type SgdStepAttrs, type Tensor,
} from '../../engine/index.js';
import { traceMlpSteps } from '../harness/mlp-steps.js';

await initWebGPU();

/** Deterministic values in [-1, 1) (a fixed LCG: the test must not depend on the engine's RNG). */
function values(n: number, seed: number): number[] {
  let s = seed >>> 0;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

const maxRelErr = (got: ArrayLike<number>, want: ArrayLike<number>): number => {
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!) / Math.max(1, Math.abs(want[i]!)));
  return worst;
};

describe('fused kernels agree with the decomposition on ref (float64)', () => {
  const shape = [3, 5];
  const t = (seed: number, shift = 0) => fromArray(Float64Array.from(values(15, seed), (v) => v + shift), shape, 'float64', { backend: 'ref' });
  const compare = (def: AnyOp, inputs: Tensor[], attrs: unknown) => {
    const fused = apply(def, inputs, attrs);
    const chain = def.decompose!(inputs, attrs);
    expect(fused.length).toBe(chain.length);
    fused.forEach((y, k) => expect(maxRelErr(y.dataSync(), chain[k]!.dataSync()), `${def.name} output ${k} ${JSON.stringify(attrs)}`).toBeLessThan(1e-13));
  };

  test('sgd_step: every combination of momentum mode, nesterov, weight decay, dampening and maximize', () => {
    for (const momentum of [0, 0.9]) for (const first of [false, true]) for (const nesterov of [false, true]) for (const weightDecay of [0, 0.1])
      for (const dampening of [0, 0.3]) for (const maximize of [false, true]) {
        if (nesterov && (momentum === 0 || dampening !== 0)) continue;
        const a: SgdStepAttrs = { lr: 0.05, momentum, dampening, weightDecay, nesterov, maximize, first };
        compare(OPS.sgd_step, momentum !== 0 && !first ? [t(1), t(2), t(3)] : [t(1), t(2)], a);
      }
  });

  test('adam_step: Adam and AdamW, amsgrad, weight decay, maximize, early and late steps', () => {
    for (const decoupled of [false, true]) for (const amsgrad of [false, true]) for (const weightDecay of [0, 0.1])
      for (const maximize of [false, true]) for (const step of [1, 7, 5000]) {
        const a: AdamStepAttrs = { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay, decoupled, amsgrad, maximize, step };
        const v = t(4, 1.5), vMax = t(5, 1.5); // second moments are non-negative
        compare(OPS.adam_step, amsgrad ? [t(1), t(2), t(3), v, vMax] : [t(1), t(2), t(3), v], a);
      }
  });
});

describe('bad inputs raise typed errors from infer', () => {
  const on = { backend: 'ref' as const };
  const p = fromArray(new Float32Array(6), [2, 3], 'float32', on);
  const sgd: SgdStepAttrs = { lr: 0.1, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: false, maximize: false, first: false };
  const adam: AdamStepAttrs = { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, amsgrad: false, maximize: false, step: 1 };

  test('sgd_step: missing buffer, shape and dtype mismatches, invalid nesterov', () => {
    expect(() => sgdStep(p, p, null, sgd)).toThrow(ValueError);
    expect(() => sgdStep(p, fromArray(new Float32Array(3), [3], 'float32', on), p, sgd)).toThrow(ShapeError);
    expect(() => sgdStep(p, p, fromArray(new Float64Array(6), [2, 3], 'float64', on), sgd)).toThrow(DTypeError);
    expect(() => sgdStep(p, p, p, { ...sgd, nesterov: true, dampening: 0.5 })).toThrow(/nesterov needs momentum > 0 and dampening 0/);
    expect(() => sgdStep(p, p, null, { ...sgd, momentum: 0, lr: -1 })).toThrow(ValueError);
  });

  test('adam_step: step count, betas, amsgrad state, int parameters', () => {
    expect(() => adamStep(p, p, p, p, null, { ...adam, step: 0 })).toThrow(/step 0 must be a positive integer/);
    expect(() => adamStep(p, p, p, p, null, { ...adam, beta2: 1 })).toThrow(ValueError);
    expect(() => adamStep(p, p, p, p, null, { ...adam, amsgrad: true })).toThrow(ValueError);
    const ip = fromArray(new Int32Array(6), [2, 3], 'int32', on);
    expect(() => adamStep(ip, ip, ip, ip, null, adam)).toThrow(DTypeError);
  });
});

// ---------------------------------------------------------------------------------------------
// Trajectories: loss = Σ w ⊙ (x - target)² over two parameters, 20 steps.
type Make = (ps: Tensor[]) => Optimizer<{ lr: number }>;
const CONFIGS: [string, Make][] = [
  ['SGD plain', (ps) => new SGD(ps, { lr: 0.05 })],
  ['SGD nesterov + weight decay', (ps) => new SGD(ps, { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 0.01 })],
  ['SGD dampening + maximize', (ps) => new SGD(ps, { lr: 0.05, momentum: 0.5, dampening: 0.3, maximize: true })],
  ['Adam', (ps) => new Adam(ps, { lr: 0.02 })],
  ['Adam amsgrad + L2 weight decay', (ps) => new Adam(ps, { lr: 0.02, amsgrad: true, weightDecay: 0.05 })],
  ['AdamW', (ps) => new AdamW(ps, { lr: 0.02, weightDecay: 0.1 })],
  ['AdamW amsgrad + maximize', (ps) => new AdamW(ps, { lr: 0.02, amsgrad: true, maximize: true, betas: [0.8, 0.99] })],
];
const SHAPES = [[7, 9], [9]];
const STEPS = 20;

async function trajectory(backend: string, make: Make): Promise<number[][]> {
  const dtype = backend === 'ref' ? 'float64' : 'float32';
  const arr = (v: number[]) => (dtype === 'float64' ? Float64Array.from(v) : Float32Array.from(v));
  const on = { backend };
  const ps = SHAPES.map((s, k) => fromArray(arr(values(s.reduce((a, b) => a * b), 10 + k)), s, dtype, on).requireGrad());
  const targets = SHAPES.map((s, k) => fromArray(arr(values(s.reduce((a, b) => a * b), 20 + k)), s, dtype, on));
  const weights = SHAPES.map((s, k) => fromArray(arr(values(s.reduce((a, b) => a * b), 30 + k).map((v) => 1.5 + v)), s, dtype, on));
  const opt = make(ps);
  const out: number[][] = [];
  for (let t = 0; t < STEPS; t++) {
    opt.zeroGrad();
    tidy(() => backward(ps.map((p, k) => sum(mul(weights[k]!, square(sub(p, targets[k]!))))).reduce((a, b) => add(a, b))));
    opt.step();
    for (const p of ps) out.push(Array.from(await p.data()));
  }
  for (const x of [...ps, ...targets, ...weights]) x.dispose();
  return out;
}

for (const backend of ['native', 'webgpu']) {
  const s = backendStatus(backend);
  const required = requiredBackends().includes(backend);
  describe.runIf(s.available || required)(`${backend} optimizer trajectories match ref`, () => {
    test.each(CONFIGS)(`%s: 20 steps on ${backend} match ref's float64 run within float32 accuracy`, async (_name, make) => {
      expect(s.available, `${backend} is required by ZOO_REQUIRE but unavailable: ${s.reason}`).toBe(true);
      const want = await trajectory('ref', make);
      resetFallbackCounts();
      const got = await trajectory(backend, make);
      const fallbacks = [...fallbackCounts().keys()].filter((k) => k === `${backend}:sgd_step` || k === `${backend}:adam_step`);
      expect(fallbacks, 'the fused kernel ran (no decomposition fallback)').toEqual([]);
      // Each step rounds a few float32 operations; 20 steps of a contraction stay within ~2^-17.
      got.forEach((g, k) => expect(maxRelErr(g, want[k]!), `step ${Math.floor(k / 2) + 1}, parameter ${k % 2}`).toBeLessThan(1e-5));
      // A planted error in the update would move the iterate by far more than the tolerance.
      expect(maxRelErr(want[want.length - 1]!, want[want.length - 3]!)).toBeGreaterThan(1e-3);
    });
  });
}

describe.runIf(backendStatus('webgpu').available)('webgpu training with a fused optimizer', () => {
  test('a parameter past 65,535 workgroups of 64 elements is updated everywhere (2-D dispatch)', async () => {
    const n = 65535 * 64 + 37;
    const p = Float32Array.from(values(n, 50)), g = Float32Array.from(values(n, 51));
    const on = { backend: 'webgpu' };
    const a: SgdStepAttrs = { lr: 0.25, momentum: 0.5, dampening: 0, weightDecay: 0, nesterov: true, maximize: false, first: true };
    const out = sgdStep(fromArray(p, [n], 'float32', on), fromArray(g, [n], 'float32', on), null, a);
    const [pNew, buf] = [await out.p.data(), await out.buf!.data()];
    let worst = 0;
    // first step: b' = g, p' = p - lr·(g + μ·g)
    for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(pNew[i]! - (p[i]! - 0.25 * (g[i]! + 0.5 * g[i]!))), Math.abs(buf[i]! - g[i]!));
    expect(worst).toBeLessThan(1e-6);
  });

  test('30 Adam (amsgrad) steps of a small MLP leave the live-buffer count unchanged', async () => {
    const { live, losses } = await traceMlpSteps('webgpu', 5, 30, (params) => new Adam(params, { lr: 0.01, amsgrad: true, weightDecay: 0.01 }));
    // The first step creates m, v and v̂; after it every step frees what it allocates.
    expect(new Set(live.slice(1)).size, `live buffers per step: ${live.join(',')}`).toBe(1);
    expect(losses[29]!).toBeLessThan(losses[0]!);
  });
});

// ---------------------------------------------------------------------------------------------
// Measurement, not a check (ZOO_BENCH_OPTIM=1): one AdamW step over a 4M-element parameter on
// native, the fused kernel against the decomposed elementwise chain in the same run, both validated
// against ref's float64 result first; GB/s counts 7 arrays × 4 bytes per element (p, g, m, v read;
// p', m', v' written) against the native triad's streaming bandwidth.
describe.runIf(process.env['ZOO_BENCH_OPTIM'] && backendStatus('native').available)('adam_step on native: fused vs decomposed (measurement)', () => {
  test('AdamW step over 4M elements', async () => {
    const { addon } = await import('../../kernels/native/addon.js');
    const n = 4 << 20;
    const src = [0, 1, 2, 3].map((k) => Float32Array.from(values(n, 40 + k), (v) => (k === 3 ? 1 + v : v)));
    const a: AdamStepAttrs = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, decoupled: true, amsgrad: false, maximize: false, step: 10 };
    const xs = src.map((s) => fromArray(s, [n], 'float32', { backend: 'native' }));
    const want = apply(OPS.adam_step, src.map((s) => fromArray(Float64Array.from(s), [n], 'float64', { backend: 'ref' })), a).map((t) => t.dataSync());
    const fused = () => apply(OPS.adam_step, xs, a);
    const chain = () => OPS.adam_step.decompose!(xs, a);
    for (const run of [fused, chain]) {
      const ys = run();
      ys.forEach((y, k) => expect(maxRelErr(y.dataSync(), want[k]!)).toBeLessThan(1e-4));
      ys.forEach((y) => y.dispose());
    }
    const time = (fn: () => Tensor[]) => {
      const t0 = performance.now();
      const ys = fn();
      const ms = performance.now() - t0;
      ys.forEach((y) => y.dispose());
      return ms;
    };
    const median = (v: number[]) => [...v].sort((x, y) => x - y)[v.length >> 1]!;
    for (let i = 0; i < 3; i++) [fused, chain].forEach(time);
    const tf: number[] = [], tc: number[] = [];
    for (let i = 0; i < 21; i++) {
      tf.push(time(fused));
      tc.push(time(chain));
    }
    // The kernel alone into preallocated outputs: what the fresh output arrays (zeroed, first-touch
    // page faults) cost on top.
    const [p, g, m, v] = src, outs = [0, 1, 2].map(() => new Float32Array(n)), none = new Float32Array(0);
    const { stepSize, bc2Sqrt } = adamScalars(a);
    const scalars = Float32Array.from([a.weightDecay, 1 - a.lr * a.weightDecay, a.beta1, 1 - a.beta1, a.beta2, 1 - a.beta2, a.eps, stepSize, bc2Sqrt]);
    const kernel = () => addon().adamStep(p!, g!, m!, v!, none, outs[0]!, outs[1]!, outs[2]!, none, scalars, 0);
    kernel();
    outs.forEach((o, k) => expect(maxRelErr(o, want[k]!)).toBeLessThan(1e-4));
    const tk = Array.from({ length: 21 }, () => {
      const t0 = performance.now();
      kernel();
      return performance.now() - t0;
    });
    const t = 256 * 2 ** 20 / 12;
    const A = new Float32Array(t), B = new Float32Array(t).fill(1), C = new Float32Array(t).fill(2);
    const triad = Array.from({ length: 7 }, () => {
      const t0 = performance.now();
      addon().triad(A, B, C, 3);
      return (12 * t) / ((performance.now() - t0) * 1e6);
    });
    const gbs = (ms: number) => ((28 * n) / (ms * 1e6)).toFixed(1);
    console.log(
      `adam_step 4M on native (${addon().info().threads} threads): fused median ${median(tf).toFixed(1)} ms (${gbs(median(tf))} GB/s, best ${Math.min(...tf).toFixed(1)} ms = ${gbs(Math.min(...tf))} GB/s), ` +
        `kernel alone median ${median(tk).toFixed(1)} ms (${gbs(median(tk))} GB/s), decomposed median ${median(tc).toFixed(1)} ms; ratio ${(median(tc) / median(tf)).toFixed(2)}x; triad median ${median(triad).toFixed(1)} GB/s, best ${Math.max(...triad).toFixed(1)} GB/s`,
    );
    xs.forEach((x) => x.dispose());
  }, 600_000);
});
