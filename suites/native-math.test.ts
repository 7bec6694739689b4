// The native vector math (native/src/vecmath.h) stays within its documented maximum error, on both
// CPU paths: a dense sweep of float32 inputs per function, the native float32 result against ref's
// float64 result on the same inputs, measured in float32 ulps at the float64 value.
import { afterAll, describe, expect, test } from 'vitest';
import { backendStatus, elu, exp, expm1, fromArray, gelu, log, log1p, logsigmoid, mish, requiredBackends, sigmoid, silu, softplus, tanh, type Tensor } from '../engine/index.js';
import { addon } from '../kernels/native/addon.js';

const status = backendStatus('native');
const suite = status.available || requiredBackends().includes('native') ? describe : describe.skip;

/** Spacing of float32 numbers at |y| (the smallest denormal below the normal range). */
function ulp32(y: number): number {
  const a = Math.fround(Math.abs(y));
  if (a < 2 ** -126) return 2 ** -149;
  const e = Math.floor(Math.log2(a));
  return 2 ** (e - 23) * (2 ** e > a ? 0.5 : 1);
}

// [name, op, low, high, documented bound in ulps (the measured maximum is in native/README.md)]
const SWEEPS: [string, (x: Tensor) => Tensor, number, number, number][] = [
  ['exp', exp, -103, 88.7, 1.5],
  ['expm1', expm1, -20, 20, 2.5],
  ['log', log, 1e-44, 1e6, 1.5],
  ['log1p', log1p, -0.999, 1e4, 2],
  ['tanh', tanh, -20, 20, 2],
  ['sigmoid', sigmoid, -100, 40, 3],
  ['softplus', (x) => softplus(x), -80, 80, 3],
  ['logsigmoid', logsigmoid, -80, 80, 3],
  ['silu', silu, -80, 80, 4],
  ['mish', mish, -20, 20, 5],
  ['elu', (x) => elu(x), -20, 5, 2.5],
  ['gelu (erf)', (x) => gelu(x), -13, 13, 5],
  ['gelu (tanh)', (x) => gelu(x, { approximate: 'tanh' }), -13, 13, 5],
];

const N = 1 << 16;
const measured: string[] = [];

suite('native vector math', () => {
  const isa0 = addon().info().isa;
  afterAll(() => {
    addon().setIsa(isa0 === 'scalar' ? 'scalar' : 'avx2');
    console.log(`native vector math, max error in float32 ulps:\n${measured.join('\n')}`);
  });
  for (const isa of ['avx2', 'scalar'] as const) {
    test.each(SWEEPS)(`%s stays within its documented error (${isa} path)`, (name, f, low, high, bound) => {
      const used = addon().setIsa(isa);
      if (isa === 'avx2' && used !== 'avx2+fma') return; // this CPU has no AVX2/FMA: only the scalar path exists
      const xs = Float32Array.from({ length: N }, (_, i) => low + ((high - low) * i) / (N - 1));
      const got = f(fromArray(xs, [N], 'float32', { backend: 'native' })).dataSync();
      const want = f(fromArray(Float64Array.from(xs), [N], 'float64', { backend: 'ref' })).dataSync();
      let worst = 0, at = 0;
      for (let i = 0; i < N; i++) {
        const y = want[i]!;
        if (!Number.isFinite(y) || Math.abs(y) >= 2 ** 128) continue;
        const e = Math.abs(got[i]! - y) / ulp32(y);
        if (e > worst) [worst, at] = [e, xs[i]!];
      }
      measured.push(`  ${isa.padEnd(6)} ${name.padEnd(12)} ${worst.toFixed(2)} ulp (at x = ${at})`);
      expect(worst, `${name} on the ${isa} path: ${worst.toFixed(2)} ulp at x = ${at}`).toBeLessThanOrEqual(bound);
    });
  }
});
