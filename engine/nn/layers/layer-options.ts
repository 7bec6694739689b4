// Options and initialization shared by the layers (Linear, Bilinear, Conv*, Embedding, norms, Dropout).
import type { Backend } from '../../backend.js';
import { rand, type CreateOptions } from '../../creation.js';
import type { FloatDType } from '../../dtype.js';
import { ValueError } from '../../errors.js';
import { Generator } from '../../rng.js';
import type { Tensor } from '../../tensor.js';

export interface LayerOptions {
  /** Parameter dtype (default float32). */
  dtype?: FloatDType;
  /** Where parameters live (default: the default backend). */
  backend?: Backend | string;
  /**
   * Source of the initial weights (and of dropout masks). Without it, layers draw from one
   * process-wide generator seeded 0 (torch's global generator): weights then depend on the order
   * in which layers are built. Pass a Generator for weights that depend on nothing else.
   */
  gen?: Generator;
}

const processGenerator = new Generator(0);

export function layerGen(opts: LayerOptions): Generator {
  return opts.gen ?? processGenerator;
}

export function createOptions(opts: LayerOptions): CreateOptions {
  return { dtype: opts.dtype ?? 'float32', backend: opts.backend };
}

/** torch's default bound for Linear/Bilinear/Conv weights and biases: 1/sqrt(fan_in) (0 when fan_in is 0). */
export const fanInBound = (fanIn: number): number => (fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0);

/**
 * U(-bound, bound). With bound = 1/sqrt(fan_in) this is torch's reset_parameters for Linear,
 * Bilinear and Conv: kaiming_uniform(a = √5) for the weight, whose bound gain·sqrt(3/fan_in) with
 * gain = sqrt(2/(1 + 5)) is exactly 1/sqrt(fan_in), and the same bound for the bias.
 */
export function initUniform(shape: readonly number[], bound: number, opts: LayerOptions): Tensor {
  return rand(shape, { ...createOptions(opts), low: -bound, high: bound, gen: layerGen(opts) });
}

/** A size argument of a layer constructor: an integer >= min. */
export function checkCount(layer: string, name: string, v: number, min = 0): void {
  if (!Number.isSafeInteger(v) || v < min) throw new ValueError(layer, `${name} ${v} must be an integer >= ${min}`);
}

/** A pair argument (number or [a, b]) with each entry an integer >= min. */
export function checkPair(layer: string, name: string, v: number | readonly [number, number], min: number): [number, number] {
  const pair: [number, number] = typeof v === 'number' ? [v, v] : [v[0], v[1]];
  if (!pair.every((d) => Number.isSafeInteger(d) && d >= min)) throw new ValueError(layer, `${name} ${JSON.stringify(v)} must be integers >= ${min}`);
  return pair;
}
