// The native packed GEMM (native/src/matmul.cc) beyond the parity suite's small cases: full and
// edge 6×16 tiles, K past the KC = 256 block (accumulation across blocks, K up to 3000), N past
// NC = 4080, every transpose combination, broadcast batch offsets, the many-small-batches path,
// 1 and 2 threads, both ISA paths, every combination of the tail sizes 1-129, and NaN/inf
// propagation; each against a float64 oracle within the parity budget (harness/tolerance.ts,
// F = 2K). Also the peak probes (fmaPeak, triad).
import { afterAll, describe, expect, test } from 'vitest';
import { backendStatus, requiredBackends } from '../engine/index.js';
import { addon } from '../kernels/native/addon.js';
import { compareFloat } from './harness/tolerance.js';

const status = backendStatus('native');
const suite = status.available || requiredBackends().includes('native') ? describe : describe.skip;

interface Probe {
  fmaPeak(threads: number, ms: number): number | undefined;
  triad(a: Float32Array, b: Float32Array, c: Float32Array, s: number): void;
  setIsa(isa: string): string;
  setThreads(n: number): number;
  info(): { isa: string; threads: number; cpuAvx2: boolean };
}
const native = () => addon() as unknown as Probe & ReturnType<typeof addon>;

/** Deterministic uniform(-1, 1) float32 values. */
function rand(n: number, seed: number): Float32Array {
  let s = seed >>> 0 || 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    out[i] = (s / 2 ** 32) * 2 - 1;
  }
  return out;
}

interface Case { M: number; K: number; N: number; tA: boolean; tB: boolean; aOff: number[]; bOff: number[] }

/** y (float64 oracle) and r (float32 sequential reference) for one case. */
function oracle(c: Case, a: Float32Array, b: Float32Array): [Float64Array, Float32Array] {
  const { M, K, N, tA, tB } = c;
  const nb = c.aOff.length;
  const y = new Float64Array(nb * M * N), r = new Float32Array(nb * M * N);
  const rowA = new Float64Array(K);
  for (let q = 0; q < nb; q++) {
    const ao = c.aOff[q]!, bo = c.bOff[q]!;
    for (let i = 0; i < M; i++) {
      for (let k = 0; k < K; k++) rowA[k] = a[ao + (tA ? k * M + i : i * K + k)]!;
      for (let j = 0; j < N; j++) {
        let s = 0, s32 = 0;
        for (let k = 0; k < K; k++) {
          const p = rowA[k]! * b[bo + (tB ? j * K + k : k * N + j)]!;
          s += p;
          s32 = Math.fround(s32 + Math.fround(p));
        }
        y[q * M * N + i * N + j] = s;
        r[q * M * N + i * N + j] = s32;
      }
    }
  }
  return [y, r];
}

function run(c: Case, a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(c.aOff.length * c.M * c.N).fill(12345);
  native().matmul(a, b, out, Int32Array.from(c.aOff), Int32Array.from(c.bOff), c.M, c.K, c.N, c.tA ? 1 : 0, c.tB ? 1 : 0);
  return out;
}

function check(c: Case, seed: number): void {
  const nbA = Math.max(...c.aOff) / (c.M * c.K) + 1, nbB = Math.max(...c.bOff) / (c.K * c.N) + 1;
  const a = rand(nbA * c.M * c.K, seed), b = rand(nbB * c.K * c.N, seed + 7);
  const [y, r] = oracle(c, a, b);
  const n = run(c, a, b);
  const cmp = compareFloat(y, r, n, 2 * c.K);
  expect(cmp.failure, `${JSON.stringify({ ...c, aOff: c.aOff.length })}: ${cmp.failure}`).toBeUndefined();
  expect(cmp.ratio).toBeLessThanOrEqual(1);
}

const single = (M: number, K: number, N: number, tA = false, tB = false): Case => ({ M, K, N, tA, tB, aOff: [0], bOff: [0] });

// Shapes: exact tiles, one-off edges on every side, K across KC blocks, N across NC blocks.
const SHAPES: [number, number, number][] = [
  [1, 1, 1], [6, 16, 16], [7, 5, 17], [5, 3, 15], [12, 256, 32], [13, 257, 33], [144, 64, 160], [145, 300, 47],
  [289, 513, 95], [37, 3000, 41], [3, 40, 4097], [64, 0, 8],
  // K × N past the packed-B budget (8 MiB): N is cut into several blocks of all of K.
  [5, 2100, 1100],
];

suite('native GEMM (packed, 6×16 micro-kernel)', () => {
  // NOTE: info().isa is 'avx2+fma' or 'scalar'; setIsa takes 'avx2' or 'scalar'.
  const isa0 = status.available && native().info().isa.startsWith('avx2') ? 'avx2' : 'scalar';
  const threads0 = status.available ? native().info().threads : 1;
  afterAll(() => {
    native().setIsa(isa0);
    native().setThreads(threads0);
  });

  for (const isa of ['avx2', 'scalar']) {
    for (const threads of [1, 2]) {
      test(`${isa}, ${threads} thread(s): shapes × transposes match the float64 oracle`, () => {
        if (isa === 'avx2' && !native().info().cpuAvx2) return;
        native().setIsa(isa);
        native().setThreads(threads);
        let seed = 1;
        for (const [M, K, N] of SHAPES)
          for (const tA of [false, true])
            for (const tB of [false, true]) {
              if (M * K * N > 2e6 && (tA || tB) && isa === 'scalar') continue; // keep the run short
              check(single(M, K, N, tA, tB), seed++);
            }
      }, 120_000);

      test(`${isa}, ${threads} thread(s): batched, broadcast offsets, many small batches`, () => {
        if (isa === 'avx2' && !native().info().cpuAvx2) return;
        native().setIsa(isa);
        native().setThreads(threads);
        // a broadcast over the batch (all offsets 0), b per batch.
        const M = 23, K = 70, N = 45;
        check({ M, K, N, tA: false, tB: true, aOff: [0, 0, 0], bOff: [0, K * N, 2 * K * N] }, 3);
        // 16 small batches (the batch-parallel path) with mixed offsets.
        const s = 9, k = 31, n = 18;
        const aOff = Array.from({ length: 16 }, (_, q) => (q % 4) * s * k), bOff = Array.from({ length: 16 }, (_, q) => (q >> 2) * k * n);
        check({ M: s, K: k, N: n, tA: true, tB: false, aOff, bOff }, 5);
        // Larger batches (the per-batch threaded path).
        check({ M: 150, K: 260, N: 70, tA: false, tB: false, aOff: [0, 150 * 260], bOff: [260 * 70, 0] }, 9);
      }, 120_000);
    }
  }

  test('every combination of the tail sizes 1, 3, 7, 17, 33, 129 for M, K and N, with every transpose, on 1 and 2 threads', () => {
    if (!native().info().cpuAvx2) return;
    native().setIsa('avx2');
    const DIMS = [1, 3, 7, 17, 33, 129];
    let seed = 100;
    for (const threads of [1, 2]) {
      native().setThreads(threads);
      for (const M of DIMS)
        for (const K of DIMS)
          for (const N of DIMS)
            for (const tA of [false, true]) for (const tB of [false, true]) check(single(M, K, N, tA, tB), seed++);
    }
    native().setIsa(isa0);
    native().setThreads(threads0);
  }, 300_000);

  test('NaN and inf propagate like the oracle (NaN where the float64 sum is NaN)', () => {
    for (const isa of ['avx2', 'scalar']) {
      if (isa === 'avx2' && !native().info().cpuAvx2) continue;
      native().setIsa(isa);
      const c = single(14, 300, 35);
      const a = rand(14 * 300, 11), b = rand(300 * 35, 12);
      a[3 * 300 + 280] = NaN; // row 3 of C all NaN
      b[5 * 35 + 20] = Infinity; // column 20: ±inf, NaN where a row also meets the NaN
      a[9 * 300 + 5] = 0; // 0·inf = NaN at (9, 20)
      const [y] = oracle(c, a, b);
      const n = run(c, a, b);
      for (let i = 0; i < y.length; i++) {
        if (Number.isNaN(y[i]!)) expect(Number.isNaN(n[i]!), `element ${i}`).toBe(true);
        else if (!Number.isFinite(y[i]!)) expect(n[i]).toBe(y[i]);
      }
    }
  });

  test('a planted dropped edge tile would be caught (output starts non-zero, every element is checked)', () => {
    // run() pre-fills the output with 12345: any tile the kernel skips fails the comparison.
    native().setIsa(isa0);
    const c = single(7, 5, 17);
    const out = run(c, rand(35, 1), rand(85, 2));
    expect(out.every((v) => v !== 12345)).toBe(true);
  });

  test('fmaPeak returns positive finite FLOP/s on AVX2 (undefined on the scalar path); triad computes a = b + s·c', () => {
    native().setIsa(isa0);
    const p = native().fmaPeak(1, 20);
    if (native().info().cpuAvx2 && isa0 === 'avx2') {
      expect(typeof p).toBe('number');
      expect(Number.isFinite(p) && p! > 1e8).toBe(true);
      expect(native().fmaPeak(2, 20)! > 0).toBe(true);
    }
    native().setIsa('scalar');
    expect(native().fmaPeak(1, 5)).toBeUndefined();
    native().setIsa(isa0);
    const n = 300_001;
    const a = new Float32Array(n), b = rand(n, 3), c = rand(n, 4);
    native().triad(a, b, c, 3);
    // The AVX2 build contracts b + s·c into one FMA (one rounding), the scalar one rounds twice.
    for (let i = 0; i < n; i += 997) expect([Math.fround(b[i]! + 3 * c[i]!), Math.fround(b[i]! + Math.fround(3 * c[i]!))]).toContain(a[i]);
  });
});
