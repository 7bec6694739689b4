// The convolution, pooling and resampling kernels of the accelerated backends (native:
// native/src/{conv,resample}.cc; webgpu: kernels/wgsl/{conv2d,conv_transpose2d,conv2d_weight_grad,
// avg_pool2d,adaptive_avg_pool2d,upsample}.wgsl) beyond the registry-driven parity suite: a training step
// (forward and backward) runs on kernels only, the parity check catches a planted wrong conv, and
// a conv2d larger than the parity cases matches the float64 oracle within a rigorous bound.
import { describe, expect, test } from 'vitest';
import {
  OPS, add, adaptiveAvgPool2d, avgPool2d, backendStatus, conv1d, conv2d, convTranspose2d, fallbackCounts, fromArray, getBackend, gradients, initWebGPU,
  mul, registerBackend, requiredBackends, resetFallbackCounts, sum, upsample, type Backend, type Tensor,
} from '../../engine/index.js';
import { HostStorage } from '../../kernels/host-backend.js';
import { checkParity } from '../harness/parity.js';
import { PhiloxSource } from '../harness/values.js';

await initWebGPU();
const BACKENDS = ['native', 'webgpu'] as const;
const usable = (b: string) => backendStatus(b).available || requiredBackends().includes(b);

/** Float32-representable normal values (seeded), as a float32 tensor on `backend` or float64 on ref. */
function values(n: number, seed: number): number[] {
  const src = new PhiloxSource(seed);
  return Array.from({ length: n }, () => Math.fround(src.normal()));
}
const on = (backend: string, v: number[], shape: number[]): Tensor =>
  backend === 'ref' ? fromArray(Float64Array.from(v), shape, 'float64') : fromArray(Float32Array.from(v), shape, 'float32', { backend });
const read = async (t: Tensor): Promise<number[]> => Array.from(await t.data());

const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

for (const b of BACKENDS) {
  describe.skipIf(!usable(b))(`${b}: conv, pool and resample kernels`, () => {
    test('a forward and backward pass of each op runs on kernels only (no decomposition fallback)', async () => {
      resetFallbackCounts();
      const t = (shape: number[], seed: number) => on(b, values(size(shape), seed), shape).requireGrad();
      const x = t([2, 4, 9, 7], 1), w = t([6, 2, 3, 3], 2), bias = t([6], 3);
      const xt = t([2, 4, 5, 4], 4), wt = t([4, 3, 3, 2], 5), x1 = t([2, 4, 11], 6), w1 = t([4, 2, 3], 7);
      const outs = [
        conv2d(x, w, bias, { stride: [2, 1], padding: [1, 2], dilation: [1, 2], groups: 2 }),
        conv2d(x, w, null, { padding: 'same', dilation: 2, groups: 2 }),
        convTranspose2d(xt, wt, null, { stride: 2, padding: 1, outputPadding: [1, 0], groups: 2 }),
        conv1d(x1, w1, null, { stride: 2, padding: 1, groups: 2 }),
        avgPool2d(x, { kernelSize: 3, stride: 2, padding: 1, ceilMode: true, countIncludePad: false }),
        adaptiveAvgPool2d(x, { outputSize: [4, 3] }),
        upsample(x, { size: [13, 5], mode: 'bilinear' }),
        upsample(x, { scaleFactor: 2 }),
      ];
      const loss = outs.map((y) => sum(mul(y, y))).reduce((a, c) => add(a, c));
      const grads = gradients([loss], [on(b, [1], [])], [x, w, bias, xt, wt, x1, w1]);
      for (const g of grads) expect((await read(g!)).every(Number.isFinite)).toBe(true);
      const mine = [...fallbackCounts()].filter(([k]) => k.startsWith(`${b}:`));
      expect(mine, `decomposition fallbacks on ${b}: ${JSON.stringify(mine)}`).toEqual([]);
    });

    test('an infinite weight over the padding adds nothing (as the oracle skips padding taps), not inf·0 = NaN', async () => {
      // y[i, j] = Σ w[p, q]·x[i + p - 1, j + q - 1] over taps inside x: the inf corner w[0, 0]
      // reaches x only for i, j >= 1, so y[0, :] and y[:, 0] are finite and the rest +inf.
      const x = on(b, [1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 1, 3, 3]);
      const w = on(b, [Infinity, 1, 1, 1, 1, 1, 1, 1, 1], [1, 1, 3, 3]);
      const got = await read(conv2d(x, w, null, { padding: 1 }));
      const want = Array.from(conv2d(on('ref', [1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 1, 3, 3]), on('ref', [Infinity, 1, 1, 1, 1, 1, 1, 1, 1], [1, 1, 3, 3]), null, { padding: 1 }).dataSync());
      expect(want.filter(Number.isFinite)).toHaveLength(5);
      expect(got).toEqual(want.map(Math.fround));
    });

    test('a conv2d larger than the parity cases (N=2, C=16, 33×33, O=32, 3×3) and its gradients match the float64 oracle', async () => {
      // f = Σ conv2d(x, w, b) · g. Each result is a sum of at most n products, so its float32 error
      // is at most γ_n·(the same sum over |terms|) with γ_n ≈ n·2^-24 in any order (Higham, Accuracy
      // and Stability of Numerical Algorithms, §3.1); the |terms| sums come from f on |x|, |w|, |b|, |g|.
      const shapes = { x: [2, 16, 33, 33], w: [32, 16, 3, 3], b: [32], g: [2, 32, 33, 33] };
      const data = Object.fromEntries(Object.entries(shapes).map(([k, s], i) => [k, values(size(s), 10 + i)])) as Record<keyof typeof shapes, number[]>;
      const attrs = { padding: 1 };
      const run = async (backend: string, v: typeof data) => {
        const [x, w, bias] = (['x', 'w', 'b'] as const).map((k) => on(backend, v[k], shapes[k]).requireGrad());
        const y = conv2d(x!, w!, bias!, attrs);
        const grads = gradients([sum(mul(y, on(backend, v.g, shapes.g)))], [on(backend, [1], [])], [x!, w!, bias!]);
        return Promise.all([y, ...grads].map((t) => read(t!)));
      };
      const absData = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, v.map(Math.abs)])) as typeof data;
      const [want, bound, got] = [await run('ref', data), await run('ref', absData), await run(b, data)];
      const n = 2 * 33 * 33 + 16 * 9 + 1; // the longest sum: dW over (n, i, j)
      const gamma = (n * 2 ** -24) / (1 - n * 2 ** -24);
      ['y', 'dX', 'dW', 'db'].forEach((name, k) => {
        let worst = 0;
        got[k]!.forEach((v, i) => {
          worst = Math.max(worst, Math.abs(v - want[k]![i]!) / (2 * gamma * bound[k]![i]! + 2 ** -126));
        });
        expect(worst, `${name}: worst error / bound`).toBeLessThanOrEqual(1);
      });
    });
  });
}

describe('the parity check catches a wrong conv2d kernel', () => {
  const inner = backendStatus('native').available ? 'native' : 'ref';
  /** `inner` under another name, with conv2d's last output element (a tail past every tile), when finite, nudged by delta·(1 + |v|). */
  const planted = (name: string, delta: number): void => {
    registerBackend(name, () => {
      const base = getBackend(inner);
      return new Proxy(base, {
        get(target, p) {
          if (p === 'name') return name;
          if (p === 'run') {
            return (...args: Parameters<Backend['run']>) => {
              const out = target.run(...args);
              if (args[0] === 'conv2d' && out) {
                const d = (out[0] as HostStorage).data, v = d[d.length - 1];
                if (delta !== 0 && v !== undefined && Number.isFinite(v)) d[d.length - 1] = v + delta * (1 + Math.abs(v));
              }
              return out;
            };
          }
          const v = Reflect.get(target, p, target) as unknown;
          return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
        },
      }) as Backend;
    });
  };

  test(`a conv2d off by 1e-3 at its last element fails parity (${inner} inside); the same proxy unplanted passes`, () => {
    planted('planted-conv', 1e-3);
    planted('unplanted-conv', 0);
    const bad = checkParity(OPS.conv2d, 'planted-conv', { runs: 12, seed: 7 });
    expect(bad.passed).toBe(false);
    expect(bad.failure!.message).toMatch(/conv2d on planted-conv: output 0/);
    const good = checkParity(OPS.conv2d, 'unplanted-conv', { runs: 12, seed: 7 });
    expect(good.passed, good.failure?.message).toBe(true);
  });
});
