// Seeded draws for the data sets. Every draw is read from the engine's Philox stream
// (engine/rng.ts) on ref, keyed by (seed, purpose, index): a data set is a pure function of its
// seed, the same on every machine and for every backend the batches are uploaded to.
import { Generator, rand, randn, type Tensor } from '../../engine/index.js';

/** Stream purposes, so that splits, training batches and validation batches never share draws. */
export const STREAM = { split: 1, train: 2, val: 3, synth: 4 } as const;

/** The generator of draw number `index` for `purpose` under `seed`. */
function streamGen(seed: number, purpose: number, index: number): Generator {
  return new Generator(seed).fork(purpose).fork(index);
}

function readOnce(t: Tensor): Float64Array {
  const out = Float64Array.from(t.dataSync());
  t.dispose();
  return out;
}

/** n uniforms in [0, 1) (24-bit resolution). */
export function uniforms(seed: number, purpose: number, index: number, n: number): Float64Array {
  return readOnce(rand([n], { gen: streamGen(seed, purpose, index), dtype: 'float64', backend: 'ref' }));
}

/** n standard normals (Box-Muller on the same stream). */
export function normals(seed: number, purpose: number, index: number, n: number): Float64Array {
  return readOnce(randn([n], { gen: streamGen(seed, purpose, index), dtype: 'float64', backend: 'ref' }));
}

/** nu uniforms then nn normals, consecutive draws of one stream. */
export function uniformsThenNormals(seed: number, purpose: number, index: number, nu: number, nn: number): [Float64Array, Float64Array] {
  const gen = streamGen(seed, purpose, index);
  const u = readOnce(rand([nu], { gen, dtype: 'float64', backend: 'ref' }));
  return [u, readOnce(randn([nn], { gen, dtype: 'float64', backend: 'ref' }))];
}

/** A uniformly random permutation of 0..n-1 (Fisher-Yates driven by `u`, which needs n entries). */
export function permutationFrom(u: ArrayLike<number>, n: number): Int32Array {
  const p = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(u[i]! * (i + 1));
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  return p;
}

/** A seeded permutation of 0..n-1. */
export function permutation(seed: number, purpose: number, index: number, n: number): Int32Array {
  return permutationFrom(uniforms(seed, purpose, index, n), n);
}
