import { describe, expect, test } from 'vitest';
import { Generator, bernoulli, rand, randint, randn } from '../../engine/index.js';
import { mulhi32, philox4x32, philoxWords } from '../../engine/rng.js';

const hex = (a: Uint32Array) => Array.from(a, (x) => x.toString(16).padStart(8, '0')).join(' ');

describe('Philox4x32-10', () => {
  // Known-answer vectors from Random123's tests/kat_vectors (ctr[4] key[2] -> out[4]).
  test.each([
    [[0, 0, 0, 0, 0, 0], '6627e8d5 e169c58d bc57ac4c 9b00dbd8'],
    [[0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], '408f276d 41c83b0e a20bc7c6 6d5451fd'],
    [[0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0], 'd16cfe09 94fdcceb 5001e420 24126ea1'],
  ])('matches the Random123 known answer %#', (args, expected) => {
    const out = new Uint32Array(4);
    const [c0, c1, c2, c3, k0, k1] = args as [number, number, number, number, number, number];
    philox4x32(c0, c1, c2, c3, k0, k1, out);
    expect(hex(out)).toBe(expected);
  });

  test('mulhi32 is the exact high word of the 64-bit product', () => {
    const cases: [number, number][] = [[0xffffffff, 0xffffffff], [0xd2511f53, 0x12345678], [1, 0xffffffff], [0x80000000, 2]];
    for (const [a, b] of cases) expect(mulhi32(a, b)).toBe(Number((BigInt(a) * BigInt(b)) >> 32n));
  });

  test('a stream read at an offset equals the same words of a longer read', () => {
    const all = new Uint32Array(23);
    philoxWords(7, 0, all);
    const part = new Uint32Array(10);
    philoxWords(7, 9, part);
    expect(Array.from(part)).toEqual(Array.from(all.slice(9, 19)));
  });

  test('seeds above 2^32 use the high key word', () => {
    const a = new Uint32Array(4), b = new Uint32Array(4);
    philoxWords(1, 0, a);
    philoxWords(1 + 2 ** 32, 0, b);
    expect(hex(a)).not.toBe(hex(b));
  });
});

describe('random tensors', () => {
  test('the same seed and offset give the same bits; a generator never repeats an offset', () => {
    const g1 = new Generator(3), g2 = new Generator(3);
    const a = rand([5], { gen: g1 }).dataSync(), b = rand([5], { gen: g2 }).dataSync();
    expect(Array.from(a)).toEqual(Array.from(b));
    const c = rand([5], { gen: g1 }).dataSync();
    expect(Array.from(c)).not.toEqual(Array.from(a));
    expect(g1.offset).toBe(16); // two draws of 5 words, each rounded up to a multiple of 4
  });

  test('uniform values follow the spec formula (word >>> 8) * 2^-24', () => {
    const words = new Uint32Array(6);
    philoxWords(11, 4, words);
    const g = new Generator(11, 4);
    const u = rand([6], { gen: g, dtype: 'float64' }).dataSync();
    words.forEach((w, i) => expect(u[i]).toBe((w >>> 8) / 16777216));
  });

  test('uniform, normal, bernoulli and randint have the right moments and ranges', () => {
    const n = 20000;
    const u = Array.from(rand([n], { seed: 1, low: -1, high: 3, dtype: 'float64' }).dataSync());
    expect(Math.min(...u)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...u)).toBeLessThan(3);
    const mean = (a: number[]) => a.reduce((s, x) => s + x, 0) / a.length;
    expect(mean(u)).toBeCloseTo(1, 1);
    const z = Array.from(randn([n], { seed: 2, dtype: 'float64', mean: 0.5, std: 2 }).dataSync());
    const m = mean(z);
    const sd = Math.sqrt(mean(z.map((x) => (x - m) ** 2)));
    expect(m).toBeCloseTo(0.5, 1);
    expect(sd).toBeGreaterThan(1.95);
    expect(sd).toBeLessThan(2.05);
    const b = Array.from(bernoulli([n], 0.3, { seed: 3 }).dataSync());
    expect(b.every((x) => x === 0 || x === 1)).toBe(true);
    expect(mean(b)).toBeCloseTo(0.3, 1);
    const r = Array.from(randint([n], -3, 4, { seed: 4 }).dataSync());
    expect(new Set(r)).toEqual(new Set([-3, -2, -1, 0, 1, 2, 3]));
  });

  test('float32 normal draws equal float64 draws rounded', () => {
    const a = randn([9], { seed: 5, dtype: 'float32' }).dataSync();
    const b = randn([9], { seed: 5, dtype: 'float64' }).dataSync();
    b.forEach((x, i) => expect(a[i]).toBe(Math.fround(x)));
  });

  test('bad parameters raise errors naming the function', () => {
    expect(() => bernoulli([2], 1.5)).toThrow(/bernoulli: p 1.5/);
    expect(() => randint([2], 3, 3)).toThrow(/randint: range \[3, 3\)/);
    expect(() => rand([2], { seed: -1 })).toThrow(/rand: seed -1/);
  });
});
