// scaled_dot_product_attention and rope: values derived by hand, the fused kernel against its
// decomposition, masking semantics (causal bottom-right, bool, additive, key padding), grouped kv
// heads, RoPE's rotation properties, named gradient checks for every mask kind, typed errors.
import { describe, expect, test } from 'vitest';
import {
  DTypeError, OPS, ShapeError, ValueError, apply, concat, full, grad, mul, rand, randn, reshape, rope, scaledDotProductAttention,
  scaledDotProductAttentionOp, slice, sum, tensor, where, type Tensor,
} from '../../engine/index.js';
import type { SdpaAttrs } from '../../engine/ops/nn/attention-util.js';
import { checkCase } from '../harness/gradcheck.js';
import { expectError, expectTensorsClose } from '../harness/expect.js';

const f64 = (data: Parameters<typeof tensor>[0]): Tensor => tensor(data, { dtype: 'float64' });
const rnd = (shape: number[], seed: number): Tensor => randn(shape, { seed, dtype: 'float64' });
/** Bool mask with P(true) = pTrue. */
const bools = (shape: number[], seed: number, pTrue: number): Tensor =>
  tensor(Array.from(rand(shape, { seed, dtype: 'float64' }).dataSync()).map((u) => u < pTrue), { shape, dtype: 'bool' });
const values = (t: Tensor): number[] => Array.from(t.dataSync());

/** The op's six inputs as the user function builds them (placeholders for absent masks). */
function sdpaInputs(q: Tensor, k: Tensor, v: Tensor, bias?: Tensor, mask?: Tensor, pad?: Tensor): Tensor[] {
  return [q, k, v, bias ?? full([], 0, { dtype: 'float64' }), mask ?? full([], 1, { dtype: 'bool' }), pad ?? full([], 0, { dtype: 'bool' })];
}

/** (B, Hkv, T, D) with each kv head repeated G times along the head axis (torch repeat_interleave). */
function repeatHeads(t: Tensor, G: number): Tensor {
  const [B, Hkv, T, D] = t.shape as [number, number, number, number];
  const heads = Array.from({ length: Hkv * G }, (_, h) => slice(t, { starts: [Math.floor(h / G)], ends: [Math.floor(h / G) + 1], axes: [1] }));
  return reshape(concat(heads, { axis: 1 }), [B, Hkv * G, T, D]);
}

describe('scaled_dot_product_attention', () => {
  test('hand-computed value: scores 0 and ln 3 give weights 1/4 and 3/4', () => {
    // s = scale·q·k = [0, ln 3] -> p = [1, 3] / 4; o = (4 + 3·8) / 4 = 7.
    const q = f64([[[[1]]]]), k = f64([[[[0], [Math.log(3)]]]]), v = f64([[[[4], [8]]]]);
    expect(scaledDotProductAttention(q, k, v, { scale: 1 }).item()).toBeCloseTo(7, 14);
    // Default scale 1/sqrt(D) = 1/2 for D = 4: k2 = (2 ln 3, 0, 0, 0) gives the same scores.
    const q4 = f64([[[[1, 1, 1, 1]]]]), k4 = f64([[[[0, 0, 0, 0], [2 * Math.log(3), 0, 0, 0]]]]);
    expect(scaledDotProductAttention(q4, k4, v).item()).toBeCloseTo(7, 14);
  });

  test('the fused kernel matches its decomposition for every mask kind, GQA/MQA and causal', () => {
    const decompose = scaledDotProductAttentionOp.decompose!;
    const B = 2, Tq = 3, Tk = 5, D = 4, Dv = 3;
    let seed = 1;
    for (const [H, Hkv] of [[4, 4], [4, 2], [3, 1]] as const) {
      for (const causal of [false, true]) {
        const q = rnd([B, H, Tq, D], seed++), k = rnd([B, Hkv, Tk, D], seed++), v = rnd([B, Hkv, Tk, Dv], seed++);
        const masks: [Tensor?, Tensor?, Tensor?][] = [
          [], [rnd([1, H, Tq, Tk], seed++)], [undefined, bools([B, 1, Tq, Tk], seed++, 0.75)],
          [undefined, undefined, bools([B, Tk], seed++, 0.25)], [rnd([Tk], seed++), bools([Tq, Tk], seed++, 0.8), bools([Tk], seed++, 0.25)],
        ];
        for (const [bias, mask, pad] of masks) {
          const inputs = sdpaInputs(q, k, v, bias, mask, pad);
          const attrs: SdpaAttrs = { causal, scale: 0.7 };
          expectTensorsClose(apply(scaledDotProductAttentionOp, inputs, attrs)[0]!, decompose(inputs, attrs)[0]!);
        }
      }
    }
  });

  test('GQA and MQA equal MHA whose kv heads are repeated per group', () => {
    const q = rnd([2, 6, 3, 4], 11);
    for (const Hkv of [3, 2, 1]) {
      const k = rnd([2, Hkv, 5, 4], 12), v = rnd([2, Hkv, 5, 2], 13);
      const G = 6 / Hkv;
      expectTensorsClose(scaledDotProductAttention(q, k, v, { causal: true }), scaledDotProductAttention(q, repeatHeads(k, G), repeatHeads(v, G), { causal: true }));
    }
  });

  test('causal is bottom-right aligned: Tq == Tk is the lower triangle, one query sees every key', () => {
    const q = rnd([1, 2, 4, 3], 21), k = rnd([1, 2, 4, 3], 22), v = rnd([1, 2, 4, 3], 23);
    // Tq == Tk: key j is visible to query i iff j <= i (torch's is_causal agrees here).
    const tri = tensor([0, 1, 2, 3].map((i) => [0, 1, 2, 3].map((j) => j <= i)), { dtype: 'bool' });
    expectTensorsClose(scaledDotProductAttention(q, k, v, { causal: true }), scaledDotProductAttention(q, k, v, { attnMask: tri }));
    // A single query (KV-cache decoding) sits at the last position: it sees all keys.
    const q1 = slice(q, { starts: [3], ends: [4], axes: [2] });
    expectTensorsClose(scaledDotProductAttention(q1, k, v, { causal: true }), scaledDotProductAttention(q1, k, v));
    // And it equals the last row of the full causal pass.
    expectTensorsClose(scaledDotProductAttention(q1, k, v, { causal: true }), slice(scaledDotProductAttention(q, k, v, { causal: true }), { starts: [3], ends: [4], axes: [2] }));
  });

  test('causal with Tq > Tk: the first Tq − Tk queries see no key and give 0', () => {
    // Query i is at position Tk − Tq + i = i − 2: queries 0 and 1 see nothing, query 2 sees key 0.
    const q = rnd([1, 1, 4, 2], 31), k = rnd([1, 1, 2, 2], 32), v = f64([[[[1, 2], [3, 4]]]]);
    const o = scaledDotProductAttention(q, k, v, { causal: true }).toArray() as number[][][][];
    expect(o[0]![0]!.slice(0, 3)).toEqual([[0, 0], [0, 0], [1, 2]]);
  });

  test('future keys do not change earlier outputs under the causal mask', () => {
    const q = rnd([1, 2, 4, 3], 41), k = rnd([1, 2, 4, 3], 42), v = rnd([1, 2, 4, 3], 43);
    const k2 = concat([slice(k, { starts: [0], ends: [3], axes: [2] }), rnd([1, 2, 1, 3], 44)], { axis: 2 });
    const v2 = concat([slice(v, { starts: [0], ends: [3], axes: [2] }), rnd([1, 2, 1, 3], 45)], { axis: 2 });
    const first3 = (t: Tensor) => slice(t, { starts: [0], ends: [3], axes: [2] });
    expectTensorsClose(first3(scaledDotProductAttention(q, k, v, { causal: true })), first3(scaledDotProductAttention(q, k2, v2, { causal: true })));
  });

  test('keyPaddingMask drops padded keys: equals the bool attnMask ¬pad, padded values are ignored', () => {
    const q = rnd([2, 2, 3, 4], 51), k = rnd([2, 2, 5, 4], 52), v = rnd([2, 2, 5, 4], 53);
    const pad = tensor([[false, false, true, false, true], [true, false, false, false, false]], { dtype: 'bool' });
    const keep = tensor([[[[true, true, false, true, false]]], [[[false, true, true, true, true]]]], { dtype: 'bool' }); // (2,1,1,5)
    const got = scaledDotProductAttention(q, k, v, { keyPaddingMask: pad });
    expectTensorsClose(got, scaledDotProductAttention(q, k, v, { attnMask: keep }));
    const vJunk = where(reshape(pad, [2, 1, 5, 1]), 1e6, v);
    expectTensorsClose(got, scaledDotProductAttention(q, k, vJunk, { keyPaddingMask: pad }));
  });

  test('an additive mask adds to the scores; -inf excludes a key exactly like a false bool mask', () => {
    const q = rnd([1, 1, 2, 3], 61), k = rnd([1, 1, 3, 3], 62), v = rnd([1, 1, 3, 2], 63);
    const additive = f64([[0, -Infinity, 0], [-Infinity, 0, 0]]);
    const boolean = tensor([[true, false, true], [false, true, true]], { dtype: 'bool' });
    expectTensorsClose(scaledDotProductAttention(q, k, v, { attnMask: additive }), scaledDotProductAttention(q, k, v, { attnMask: boolean }));
    // A constant bias per row cancels in the softmax (shift invariance).
    expectTensorsClose(scaledDotProductAttention(q, k, v, { attnMask: f64([[5], [-3]]) }), scaledDotProductAttention(q, k, v), 1e-12);
  });

  test('a row with every key excluded (bool mask or additive -inf) is 0 with zero gradient (torch >= 2.5)', () => {
    const q = rnd([1, 1, 2, 2], 71), k = rnd([1, 1, 2, 2], 72), v = rnd([1, 1, 2, 2], 73), w = rnd([1, 1, 2, 2], 74);
    for (const attnMask of [tensor([[false, false], [true, false]], { dtype: 'bool' }), f64([[-Infinity, -Infinity], [0, -Infinity]])]) {
      const o = scaledDotProductAttention(q, k, v, { attnMask }).toArray() as number[][][][];
      expect(o[0]![0]![0]).toEqual([0, 0]);
      // Row 1 attends key 0 only: its output is v[0].
      expect(o[0]![0]![1]).toEqual((v.toArray() as number[][][][])[0]![0]![0]);
      const gq = grad((x) => sum(mul(scaledDotProductAttention(x, k, v, { attnMask }), w)))(q);
      expect(values(gq)).toEqual([0, 0, 0, 0]);
    }
    // NaN scores are not masking: they propagate.
    const n = values(scaledDotProductAttention(q, k, v, { attnMask: f64([[NaN, 0], [0, 0]]) }));
    expect(n.slice(0, 2).every(Number.isNaN)).toBe(true);
    expect(n.slice(2).every(Number.isFinite)).toBe(true);
  });

  // Named gradient checks (first and second order) so each required configuration is always covered.
  const gradCases: [string, number[][], SdpaAttrs, (number[] | null)[]?][] = [
    ['causal with Tq < Tk', [[1, 2, 2, 3], [1, 2, 4, 3], [1, 2, 4, 3], [], [], []], { causal: true }],
    ['causal with Tq > Tk', [[1, 1, 4, 2], [1, 1, 2, 2], [1, 1, 2, 2], [], [], []], { causal: true }],
    ['additive mask broadcast over heads (gets a gradient)', [[2, 2, 3, 2], [2, 2, 3, 2], [2, 2, 3, 2], [2, 1, 3, 3], [], []], {}],
    ['bool mask', [[1, 2, 3, 2], [1, 2, 4, 2], [1, 2, 4, 2], [], [3, 4], []], {}, [null, null, null, null, [1, 0, 1, 1, 0, 1, 1, 0, 0, 0, 1, 1], [0]]],
    ['key padding mask', [[2, 1, 2, 2], [2, 1, 3, 2], [2, 1, 3, 2], [], [], [2, 3]], {}, [null, null, null, null, [1], [0, 1, 0, 1, 0, 0]]],
    ['GQA (4 query heads, 2 kv heads)', [[1, 4, 2, 2], [1, 2, 3, 2], [1, 2, 3, 2], [], [], []], { causal: true }],
    ['MQA (3 query heads, 1 kv head)', [[2, 3, 2, 2], [2, 1, 3, 2], [2, 1, 3, 2], [], [], []], {}],
    ['Dv != D with an explicit scale', [[1, 2, 2, 3], [1, 2, 3, 3], [1, 2, 3, 1], [], [], []], { scale: 0.3 }],
  ];
  test.each(gradCases)('gradient matches finite differences: %s', (_name, shapes, attrs, custom) => {
    const def = OPS.scaled_dot_product_attention;
    const spec = custom ? { ...def, check: { ...def.check, values: () => custom } } : def;
    for (const seed of [1, 2, 3]) {
      const r = checkCase(spec, { shapes, attrs }, seed);
      expect(r.firstOrder).toBeLessThan(1e-5);
      expect(r.secondOrder).toBeLessThan(1e-5);
    }
  });

  test('errors name the op, the argument and the shapes', () => {
    const q = rnd([2, 4, 3, 8], 1), k = rnd([2, 2, 5, 8], 2), v = rnd([2, 2, 5, 6], 3);
    expectError(() => scaledDotProductAttention(rnd([4, 3, 8], 1), k, v), ShapeError, 'scaled_dot_product_attention:', 'q (4,3,8)', '4 dimensions');
    expectError(() => scaledDotProductAttention(q, rnd([2, 2, 5, 7], 2), v), ShapeError, 'q (2,4,3,8) and k (2,2,5,7)', 'head dims 8 and 7');
    expectError(() => scaledDotProductAttention(q, rnd([2, 3, 5, 8], 2), rnd([2, 3, 5, 6], 3)), ShapeError, 'q (2,4,3,8) and k (2,3,5,8)', 'multiple of the 3 key/value heads');
    expectError(() => scaledDotProductAttention(q, rnd([1, 2, 5, 8], 2), v), ShapeError, 'batch sizes 2 and 1');
    expectError(() => scaledDotProductAttention(q, k, rnd([2, 2, 4, 6], 3)), ShapeError, 'k (2,2,5,8) and v (2,2,4,6)');
    expectError(() => scaledDotProductAttention(q, k, v, { attnMask: rnd([3, 4], 4) }), ShapeError, 'attnMask (3,4)', '(2,4,3,5)');
    expectError(() => scaledDotProductAttention(q, k, v, { attnMask: tensor([[1, 0]], { dtype: 'int32' }) }), DTypeError, 'attnMask (1,2)', 'int32', 'bool or float64');
    expectError(() => scaledDotProductAttention(q, k, v, { keyPaddingMask: full([2, 4], 0, { dtype: 'bool' }) }), ShapeError, 'keyPaddingMask (2,4)', '(B, Tk) = (2,5)');
    expectError(() => scaledDotProductAttention(q, k, v, { keyPaddingMask: full([2, 5], 0, { dtype: 'float64' }) }), DTypeError, 'keyPaddingMask (2,5)', 'bool');
    expectError(() => scaledDotProductAttention(q, tensor(k.dataSync(), { shape: k.shape, dtype: 'float32' }), v), DTypeError, 'k (2,2,5,8)', 'float32', 'q (2,4,3,8)');
    expectError(() => scaledDotProductAttention(q, k, v, { scale: NaN }), ValueError, 'scale NaN');
  });
});

describe('rope', () => {
  const x = rnd([2, 5, 6], 81);

  test('hand-computed value: D = 2 rotates the pair by position·1 radian', () => {
    // θ_0 = base^0 = 1, so token t at position t is rotated by t radians: (1, 0) -> (cos t, sin t).
    const y = rope(f64([[1, 0], [1, 0], [0, 2]])).toArray() as number[][];
    expect(y[0]).toEqual([1, 0]);
    expect(y[1]![0]).toBeCloseTo(Math.cos(1), 15);
    expect(y[1]![1]).toBeCloseTo(Math.sin(1), 15);
    expect(y[2]![0]).toBeCloseTo(-2 * Math.sin(2), 15);
    expect(y[2]![1]).toBeCloseTo(2 * Math.cos(2), 15);
    // D = 4, base 100: pair 1 turns by t·100^(−2/4) = t/10 radians at token t (offset 3 -> position 3).
    const z = rope(f64([[0, 0, 1, 0]]), { base: 100, offset: 3 }).toArray() as number[][];
    expect(z[0]![2]).toBeCloseTo(Math.cos(0.3), 15);
    expect(z[0]![3]).toBeCloseTo(Math.sin(0.3), 15);
  });

  test('position 0 is the identity and every rotation preserves the norm of each pair', () => {
    for (const interleaved of [true, false]) {
      const y = rope(x, { interleaved });
      expectTensorsClose(slice(y, { starts: [0], ends: [1], axes: [1] }), slice(x, { starts: [0], ends: [1], axes: [1] }), 0);
      const sq = (t: Tensor) => sum(mul(t, t), { axes: -1 });
      expectTensorsClose(sq(y), sq(x));
    }
  });

  test('<rope(q, m), rope(k, n)> depends only on n − m', () => {
    const q = rnd([1, 8], 82), k = rnd([1, 8], 83);
    const dotAt = (m: number, n: number) => sum(mul(rope(q, { offset: m }), rope(k, { offset: n }))).item();
    for (const [m, n, s] of [[0, 3, 5], [2, 7, 11], [4, 1, 20]] as const) expect(dotAt(m + s, n + s)).toBeCloseTo(dotAt(m, n), 12);
  });

  test('interleaved equals half-split after the fixed permutation of dims', () => {
    // perm lists the dims (0, 2, 4 | 1, 3, 5): pair i = (x_2i, x_2i+1) lands at (i, i + 3).
    const perm = [0, 2, 4, 1, 3, 5];
    const permute = (t: Tensor) => concat(perm.map((j) => slice(t, { starts: [j], ends: [j + 1], axes: [-1] })), { axis: -1 });
    expectTensorsClose(permute(rope(x, { interleaved: true, offset: 2 })), rope(permute(x), { interleaved: false, offset: 2 }));
  });

  test('offset shifts positions: rope(x[t0:], offset t0) is the tail of rope(x)', () => {
    const tail = slice(x, { starts: [2], ends: [5], axes: [1] });
    expectTensorsClose(rope(tail, { offset: 2 }), slice(rope(x), { starts: [2], ends: [5], axes: [1] }));
  });

  test('rotaryDim rotates only the leading dims; inverse undoes the rotation', () => {
    const y = rope(x, { rotaryDim: 4, offset: 1 });
    expectTensorsClose(slice(y, { starts: [4], ends: [6], axes: [-1] }), slice(x, { starts: [4], ends: [6], axes: [-1] }), 0);
    expectTensorsClose(slice(y, { starts: [0], ends: [4], axes: [-1] }), rope(slice(x, { starts: [0], ends: [4], axes: [-1] }), { offset: 1 }));
    expectTensorsClose(rope(y, { rotaryDim: 4, offset: 1, inverse: true }), x);
  });

  test('the fused kernel matches its decomposition', () => {
    const decompose = OPS.rope.decompose!;
    for (const attrs of [{}, { interleaved: false }, { rotaryDim: 2, base: 50, offset: 7 }, { interleaved: false, rotaryDim: 4, inverse: true }]) {
      expectTensorsClose(rope(x, attrs), decompose([x], attrs)[0]!);
    }
  });

  test('errors name the op, the argument and the shapes', () => {
    expectError(() => rope(rnd([3, 5], 1)), ValueError, 'rope:', 'x (3,5)', 'head dim D = 5 must be even');
    expectError(() => rope(x, { rotaryDim: 8 }), ValueError, 'rope:', 'x (2,5,6)', 'rotaryDim 8', '[0, 6]');
    expectError(() => rope(x, { rotaryDim: 3 }), ValueError, 'rotaryDim 3');
    expectError(() => rope(rnd([4], 1)), ShapeError, 'rope:', 'x (4)', 'at least 2 dimensions');
    expectError(() => rope(tensor([[1, 2]], { dtype: 'int32' })), DTypeError, 'rope:', 'x (1,2)', 'int32');
    expectError(() => rope(x, { base: 0 }), ValueError, 'rope:', 'base 0');
  });
});
