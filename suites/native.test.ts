// The native backend's contract beyond value parity (parity.test.ts): every op covered by a kernel
// or an explicit decomposition, bit-identical random streams, float64 refused by name, the same
// typed errors as ref for bad shapes and bad index values, exact casts, no leaks.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  Generator, OPS, OP_NAMES, ZooError, apply, exp, mul, backendStatus, bernoulli, cast, dropout, embedding, fromArray, gather, getBackend,
  indexSelect, oneHot, rand, randint, randn, requiredBackends, scatterAdd, segmentMax, segmentSoftmax, segmentSum, sum, tidy,
  type AnyOp, type Tensor,
} from '../engine/index.js';
import { philoxWords } from '../engine/rng.js';
import { addon } from '../kernels/native/addon.js';
import { NATIVE_DECOMPOSED } from '../kernels/native/decomposed.js';
import { NATIVE_KERNELS } from '../kernels/native/index.js';
import { checkParity } from './harness/parity.js';
import { caseValues } from './harness/values.js';

const status = backendStatus('native');
if (!status.available && !requiredBackends().includes('native')) console.warn(`native tests skipped: ${status.reason}`);
const suite = status.available || requiredBackends().includes('native') ? describe : describe.skip;

const on = (b: string, data: number[], shape: number[], dtype: 'float32' | 'int32' | 'bool' = 'float32'): Tensor =>
  fromArray(dtype === 'float32' ? Float32Array.from(data) : dtype === 'int32' ? Int32Array.from(data) : Uint8Array.from(data), shape, dtype, { backend: b });

/** The error `fn` throws (class and message), or null. */
function caught(fn: () => unknown): { name: string; message: string } | null {
  try {
    fn();
    return null;
  } catch (err) {
    return err instanceof Error ? { name: err.constructor.name, message: err.message } : { name: 'unknown', message: String(err) };
  }
}

/** Whether the op's inference (float inputs as float32) succeeds with a float64 output. */
function float64Output(def: AnyOp, shapes: number[][], attrs: unknown): boolean {
  const kind = (k: number) => def.check.inputs[Math.min(k, def.check.inputs.length - 1)]!.kind;
  try {
    return def.infer(shapes.map((shape, k) => ({ shape, dtype: kind(k) === 'float' ? 'float32' : kind(k) === 'int32' ? 'int32' : 'bool' })), attrs).some((m) => m.dtype === 'float64');
  } catch {
    return false;
  }
}

test('every op has a native kernel or runs through a listed decomposition, never both', () => {
  const kernels = new Set(Object.keys(NATIVE_KERNELS));
  const decomposed = new Set<string>(NATIVE_DECOMPOSED);
  for (const name of OP_NAMES) {
    expect(kernels.has(name) || decomposed.has(name), `${name}: neither a native kernel nor in kernels/native/decomposed.ts`).toBe(true);
    expect(kernels.has(name) && decomposed.has(name), `${name}: both a native kernel and listed as decomposed`).toBe(false);
    if (decomposed.has(name)) expect(OPS[name].decompose, `${name} is listed as decomposed but has no decompose`).toBeDefined();
  }
  for (const name of [...kernels, ...decomposed]) expect(OP_NAMES as readonly string[], `${name} is not a registered op`).toContain(name);
});

suite('native backend', () => {
  test('loads, or says why (ZOO_REQUIRE=native turns that into a failure)', () => {
    expect(status.available, status.reason).toBe(true);
    expect((getBackend('native') as unknown as { describe(): string }).describe()).toMatch(/(avx2\+fma|scalar) kernels, \d+ threads?/);
  });

  test('Philox words are bit-identical to engine/rng.ts for any seed and offset', () => {
    fc.assert(fc.property(fc.nat({ max: Number.MAX_SAFE_INTEGER }), fc.nat({ max: 2 ** 40 }), fc.integer({ min: 0, max: 70 }), (seed, offset, n) => {
      const want = new Uint32Array(n), got = new Uint32Array(n);
      philoxWords(seed, offset, want);
      addon().philox(got, seed, offset);
      expect(Array.from(got)).toEqual(Array.from(want));
    }), { numRuns: 200 });
  });

  test('random draws match ref: integers and uniforms identical, normals within float32 rounding', () => {
    for (const seed of [0, 7, 2 ** 40 + 3]) {
      const both = (f: (b: string) => Tensor) => [f('ref').dataSync(), f('native').dataSync()] as const;
      const g = (b: string) => ({ gen: new Generator(seed, 5), backend: b });
      const [ri, ni] = both((b) => randint([1001], -5, 17, g(b)));
      expect(Array.from(ni)).toEqual(Array.from(ri));
      const [rw, nw] = both((b) => randint([64], -(2 ** 31), 2 ** 31, g(b)));
      expect(Array.from(nw)).toEqual(Array.from(rw));
      const [rb, nb] = both((b) => bernoulli([999], 0.3, g(b)));
      expect(Array.from(nb)).toEqual(Array.from(rb));
      const [ru, nu] = both((b) => rand([1001], { ...g(b), low: -3, high: 2.5 }));
      expect(Array.from(nu)).toEqual(Array.from(ru));
      const [rn, nn] = both((b) => randn([1001], { ...g(b), mean: 1, std: 3 }));
      rn.forEach((v, i) => expect(Math.abs(nn[i]! - v)).toBeLessThanOrEqual(2 ** -23 * Math.abs(v)));
    }
  });

  test('dropout masks are identical to ref for the same seed and offset', () => {
    const x = Array.from({ length: 4099 }, (_, i) => 1 + (i % 13));
    for (const p of [0, 0.1, 0.5, 0.9, 1]) {
      const attrs = { p, seed: 12345, offset: 77 };
      const r = dropout(on('ref', x, [4099]), attrs).dataSync(), n = dropout(on('native', x, [4099]), attrs).dataSync();
      expect(Array.from(n).map((v) => v !== 0)).toEqual(Array.from(r).map((v) => v !== 0));
      expect(Array.from(n)).toEqual(Array.from(r));
    }
  });

  test('float64 tensors are refused with a DTypeError naming the op and the backend', () => {
    expect(caught(() => fromArray(new Float64Array(3), [3], 'float64', { backend: 'native' }))).toEqual({ name: 'DTypeError', message: expect.stringMatching(/^native: tensor \(3\) is float64; the native backend computes in float32/) });
    const x = on('native', [1, 2, 3], [3]);
    expect(caught(() => cast(x, 'float64'))).toEqual({ name: 'DTypeError', message: expect.stringMatching(/^cast: output 0 \(3\) is float64/) });
  });

  test('cast matches ref exactly, including NaN, infinities and int32 wrap-around', () => {
    const vals = [0, -0, 1.5, -1.5, 2.99, -2.99, NaN, Infinity, -Infinity, 3e9, -3e9, 2 ** 31, 1e-40, 123456789];
    for (const to of ['int32', 'bool', 'float32'] as const) {
      expect(Array.from(cast(on('native', vals, [vals.length]), to).dataSync())).toEqual(Array.from(cast(on('ref', vals, [vals.length]), to).dataSync()));
    }
    const ints = [0, 1, -1, 2 ** 31 - 1, -(2 ** 31), 16777217];
    for (const to of ['float32', 'bool'] as const) {
      expect(Array.from(cast(on('native', ints, [6], 'int32'), to).dataSync())).toEqual(Array.from(cast(on('ref', ints, [6], 'int32'), to).dataSync()));
    }
  });

  test('index values out of range raise the same ValueError as ref', () => {
    const cases: [string, (b: string) => unknown][] = [
      ['gather', (b) => gather(on(b, [1, 2, 3, 4], [2, 2]), on(b, [0, 2, 1, 0], [2, 2], 'int32'), { axis: 1 })],
      ['index_select', (b) => indexSelect(on(b, [1, 2, 3, 4], [2, 2]), on(b, [1, -1], [2], 'int32'), { axis: 0 })],
      ['scatter_add', (b) => scatterAdd(on(b, [0, 0], [2]), on(b, [0, 5], [2], 'int32'), on(b, [1, 1], [2]), { axis: 0 })],
      ['one_hot', (b) => oneHot(on(b, [0, 3], [2], 'int32'), { numClasses: 3 })],
      ['embedding', (b) => embedding(on(b, [4], [1], 'int32'), on(b, [1, 2, 3, 4], [2, 2]))],
      ['segment_sum', (b) => segmentSum(on(b, [1, 2, 3], [3]), on(b, [0, 2, 1], [3], 'int32'), 2)],
      ['segment_max', (b) => segmentMax(on(b, [1, 2, 3], [3]), on(b, [0, -1, 1], [3], 'int32'), 2)],
      ['segment_softmax', (b) => segmentSoftmax(on(b, [1, 2, 3], [3]), on(b, [0, 1, 9], [3], 'int32'), 2)],
    ];
    for (const [op, f] of cases) {
      const want = caught(() => f('ref'));
      expect(want, `${op}: ref should reject the index`).toMatchObject({ name: 'ValueError', message: expect.stringMatching(new RegExp(`^${op}: `)) });
      expect(caught(() => f('native')), op).toEqual(want);
    }
  });

  test('bad shapes and attributes raise the same typed error as ref for every op (and never crash)', () => {
    const native = getBackend('native');
    for (const name of OP_NAMES) {
      const def: AnyOp = OPS[name];
      const kinds = def.check.inputs;
      fc.assert(fc.property(def.check.cases, fc.nat(), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 4 }), (c, seed, how, d) => {
        // Perturb the case: grow a dim, drop a dim, add a dim, or drop an input.
        const shapes = c.shapes.map((s) => [...s]);
        const i = seed % Math.max(shapes.length, 1);
        if (how === 0 && shapes[i]?.length) shapes[i]![seed % shapes[i]!.length]! += d;
        else if (how === 1 && shapes[i]?.length) shapes[i]!.pop();
        else if (how === 2 && shapes[i]) shapes[i]!.unshift(d + 1);
        else shapes.pop();
        if (shapes.reduce((a, s) => a + s.reduce((p, q) => p * q, 1), 0) > 5000) return;
        const vals = caseValues(def.check, { shapes: c.shapes, attrs: c.attrs }, seed);
        const build = (b: string) => shapes.map((s, k) => {
          const kind = kinds[Math.min(k, kinds.length - 1)]!.kind;
          const n = s.reduce((p, q) => p * q, 1);
          const v = Array.from({ length: n }, (_, j) => vals[k]?.[j] ?? 0);
          return on(b, kind === 'float' ? v : v.map((x) => Math.max(0, Math.trunc(x))), s, kind === 'float' ? 'float32' : kind === 'int32' ? 'int32' : 'bool');
        });
        // float64 outputs asked for by an attribute (cast, one_hot) are refused on native by design.
        if (float64Output(def, shapes, c.attrs)) return;
        const want = caught(() => tidy(() => apply(def, build('ref'), c.attrs)));
        const got = caught(() => tidy(() => apply(def, build('native'), c.attrs)));
        if (want && !(want.name in { ShapeError: 1, DTypeError: 1, AxisError: 1, ValueError: 1, BackendError: 1, StateError: 1 })) throw new Error(`${name}: ref raised ${want.name}: ${want.message}`);
        expect(got, `${name} with shapes ${JSON.stringify(shapes)}`).toEqual(want);
      }), { numRuns: 12, seed: 7 });
      expect(native.hasKernel(name) || !!def.decompose).toBe(true);
    }
    expect(ZooError).toBeDefined();
  });

  test('the portable (scalar) path and a single thread also match the float64 oracle', () => {
    const info = addon().info();
    try {
      addon().setIsa('scalar');
      addon().setThreads(1);
      for (const name of ['exp', 'gelu', 'log1p', 'softplus', 'softmax', 'log_softmax', 'sum', 'var', 'add', 'permute', 'cumsum', 'matmul'] as const) {
        const r = checkParity(OPS[name], 'native', { runs: 15, seed: 3 });
        expect(r.passed, r.failure?.message).toBe(true);
      }
    } finally {
      addon().setIsa(info.isa === 'scalar' ? 'scalar' : 'avx2');
      addon().setThreads(info.threads);
    }
  });

  test('resizing the thread pool between calls never loses a job (regression: a hang)', () => {
    const threads = addon().info().threads;
    const x = Float32Array.from({ length: 1 << 17 }, (_, i) => i % 7), y = new Float32Array(x.length);
    const code = addon().info().unaryOps['square']!;
    try {
      for (let i = 0; i < 300; i++) {
        addon().setThreads(1 + (i % 3));
        addon().unary(code, x, y, 0, 0);
        expect(y[x.length - 1]).toBe(x[x.length - 1]! ** 2);
      }
    } finally {
      addon().setThreads(threads);
    }
  });

  test('buffers are released: the live-buffer count returns to its baseline', () => {
    const native = getBackend('native');
    const before = native.memory().liveBuffers;
    tidy(() => {
      const x = rand([64, 33], { backend: 'native', seed: 3 });
      sum(exp(mul(x, 2)), { axes: 1 });
    });
    expect(native.memory().liveBuffers).toBe(before);
  });
});
