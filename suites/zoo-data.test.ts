// The zoo's data sets: deterministic from the seed, split without overlap, shaped as the models expect.
import { describe, expect, test } from 'vitest';
import { ValueError } from '../engine/index.js';
import { iris, irisRows } from '../zoo/data/iris.js';
import { BOUNDARY_TOKEN, allNames, decodeTokens, encodeText, namesCorpus, unigramEntropy } from '../zoo/data/names.js';
import { SHAPE_CLASSES, renderShape, shapes } from '../zoo/data/shapes.js';
import { spiralRows, spirals } from '../zoo/data/spirals.js';

const arr = (t: { dataSync(): ArrayLike<number> }) => Array.from(t.dataSync());

describe('names corpus', () => {
  const corpus = namesCorpus({ seed: 1, batchSize: 4, blockSize: 16 });

  test('holds both stdlib lists, de-duplicated, split without a shared name', () => {
    expect(allNames().length).toBe(new Set(allNames()).size);
    expect(allNames()).toContain('Abigail'); // female list
    expect(allNames()).toContain('Aaron'); // male list
    expect(corpus.trainNames.length + corpus.valNames.length).toBe(allNames().length);
    const train = new Set(corpus.trainNames);
    expect(corpus.valNames.filter((n) => train.has(n))).toEqual([]);
    expect(corpus.valNames.length).toBe(Math.round(allNames().length * 0.1));
  });

  test('batches are (B, T) int32 windows whose targets are the next tokens', () => {
    const b = corpus.trainBatch(5);
    expect(b['tokens']!.shape).toEqual([4, 16]);
    expect(b['targets']!.dtype).toBe('int32');
    const x = arr(b['tokens']!), y = arr(b['targets']!);
    for (let r = 0; r < 4; r++) expect(x.slice(r * 16 + 1, r * 16 + 16)).toEqual(y.slice(r * 16, r * 16 + 15));
    // Every window is a substring of the training stream.
    const text = decodeTokens([...corpus.train]);
    expect(text).toContain(decodeTokens(x.slice(0, 16)));
  });

  test('is a function of the seed', () => {
    const again = namesCorpus({ seed: 1, batchSize: 4, blockSize: 16 });
    expect(arr(again.trainBatch(3)['tokens']!)).toEqual(arr(corpus.trainBatch(3)['tokens']!));
    expect(arr(again.valBatches()[2]!['targets']!)).toEqual(arr(corpus.valBatches()[2]!['targets']!));
    expect(namesCorpus({ seed: 2, batchSize: 4, blockSize: 16 }).valNames).not.toEqual(corpus.valNames);
    expect(arr(corpus.trainBatch(4)['tokens']!)).not.toEqual(arr(corpus.trainBatch(3)['tokens']!));
  });

  test('streams are byte tokens with the boundary between names', () => {
    expect(corpus.vocabSize).toBe(256);
    expect(corpus.train[0]).toBe(BOUNDARY_TOKEN);
    expect(decodeTokens(encodeText('Zoë'))).toBe('Zoë');
    expect(decodeTokens([...corpus.val.subarray(0, 40)]).split('\n').slice(1, 3)).toEqual(corpus.valNames.slice(0, 2));
  });

  test('unigram entropy is -Σ p ln p in nats', () => {
    expect(unigramEntropy([7, 7, 9, 9])).toBeCloseTo(Math.log(2), 15); // two equiprobable symbols
    expect(unigramEntropy([1, 1, 1])).toBe(0);
    expect(unigramEntropy([1, 2, 3, 1])).toBeCloseTo(-(0.5 * Math.log(0.5) + 2 * 0.25 * Math.log(0.25)), 15);
    // ~27 letters plus the boundary, far from uniform: between 2.5 and ln 54 nats.
    expect(corpus.unigramEntropy).toBeGreaterThan(2.5);
    expect(corpus.unigramEntropy).toBeLessThan(Math.log(54));
  });

  test('bad sizes are ValueErrors naming the option', () => {
    expect(() => namesCorpus({ seed: 0, batchSize: 0, blockSize: 8 })).toThrow(/namesCorpus: batchSize 0 must be an integer >= 1/);
    expect(() => namesCorpus({ seed: 0, batchSize: 1, blockSize: 1e6 })).toThrow(ValueError);
  });
});

describe('iris', () => {
  test('150 flowers, 50 per species, 4 features', () => {
    const rows = irisRows();
    expect(rows.labels.length).toBe(150);
    expect([0, 1, 2].map((k) => rows.labels.filter((y) => y === k).length)).toEqual([50, 50, 50]);
    expect(Array.from(rows.features.subarray(0, 4))).toEqual([5.1, 3.5, 1.4, 0.2]); // Fisher's first row, setosa
  });

  test('training features are standardized (mean 0, std 1) and the split is 120 / 30', () => {
    const data = iris({ seed: 4, batchSize: 1000, dtype: 'float64' });
    expect([data.trainSize, data.valSize]).toEqual([120, 30]);
    const x = arr(data.trainBatch(0)['x']!);
    for (let f = 0; f < 4; f++) {
      const col = x.filter((_, i) => i % 4 === f);
      const mean = col.reduce((a, b) => a + b, 0) / col.length;
      expect(mean).toBeCloseTo(0, 12);
      expect(col.reduce((a, b) => a + (b - mean) ** 2, 0) / col.length).toBeCloseTo(1, 12);
    }
    expect(data.valBatches()[0]!['y']!.shape).toEqual([30]);
  });
});

describe('two spirals', () => {
  test('points lie near their arm: r = t, θ = 2π·turns·t + kπ', () => {
    const rows = spiralRows(3, 50, 1.25, 0);
    for (let j = 0; j < 100; j++) {
      const [x, y] = [rows.features[2 * j]!, rows.features[2 * j + 1]!];
      const t = Math.hypot(x, y), k = rows.labels[j]!;
      const theta = 2 * Math.PI * 1.25 * t + k * Math.PI;
      expect(Math.hypot(x - t * Math.cos(theta), y - t * Math.sin(theta))).toBeLessThan(1e-12);
    }
  });

  test('batches are (B, 2) and seeded', () => {
    const a = spirals({ seed: 1, batchSize: 16 }), b = spirals({ seed: 1, batchSize: 16 });
    expect(a.trainBatch(2)['x']!.shape).toEqual([16, 2]);
    expect(arr(a.trainBatch(2)['x']!)).toEqual(arr(b.trainBatch(2)['x']!));
    expect([a.trainSize, a.valSize]).toEqual([320, 80]);
  });
});

describe('procedural shapes', () => {
  test('images are (B, 1, S, S), labels name one of the four classes, both a function of the seed', () => {
    const data = shapes({ seed: 5, batchSize: 6 });
    const b = data.trainBatch(1);
    expect(b['x']!.shape).toEqual([6, 1, 28, 28]);
    expect(arr(b['y']!).every((k) => k >= 0 && k < SHAPE_CLASSES.length)).toBe(true);
    expect(arr(shapes({ seed: 5, batchSize: 6 }).trainBatch(1)['x']!)).toEqual(arr(b['x']!));
    expect(arr(data.valBatches()[0]!['x']!)).not.toEqual(arr(b['x']!));
  });

  test('a circle is a ring of ink around an empty center', () => {
    const S = 28, img = new Float64Array(S * S);
    // u: class 0 (circle), centered (u1 = u2 = 0.5), largest radius 10 px, stroke 1.2 + 1.3·0.5 px.
    const k = renderShape([0.1, 0.5, 0.5, 1, 0, 0.5, 0, 0], new Float64Array(S * S), S, 0, img, 0);
    expect(k).toBe(0);
    const at = (x: number, y: number) => img[y * S + x]!;
    expect(at(14, 14)).toBe(0); // center
    expect(at(14 + 10, 14)).toBeGreaterThan(0.8); // on the ring, 10 px right of the center at 14
    expect(at(14, 14 - 10)).toBeGreaterThan(0.8);
    expect(Math.max(...img)).toBeLessThanOrEqual(1);
  });

  test('classes are drawn about equally often', () => {
    const y = arr(shapes({ seed: 9, batchSize: 400, imageSize: 8 }).trainBatch(0)['y']!);
    for (let k = 0; k < 4; k++) expect(y.filter((v) => v === k).length).toBeGreaterThan(60); // expected 100 each
  });
});
