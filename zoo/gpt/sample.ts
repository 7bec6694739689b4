// Sampling the next token from one row of logits: temperature, then top-k, then an inverse-CDF
// draw with a uniform u in [0, 1) from the engine Generator (so generation is a function of the seed).
//   p_i ∝ exp((z_i − max z) / temperature) over the k largest z (ties with the k-th kept), else 0
//   temperature 0 is greedy decoding (argmax, lowest index on ties).
import { ValueError } from '../../engine/index.js';

export interface SamplingOptions {
  /** > 0 scales the logits (1: as trained, < 1: sharper); 0: greedy (default 1). */
  temperature?: number;
  /** Keep the k most likely tokens (default: all). */
  topK?: number;
}

const OWNER = 'gpt.generate';

export function checkSampling(opts: SamplingOptions, vocab: number): void {
  const t = opts.temperature ?? 1;
  if (!(Number.isFinite(t) && t >= 0)) throw new ValueError(OWNER, `temperature ${t} must be a finite number >= 0`);
  const k = opts.topK;
  if (k !== undefined && !(Number.isSafeInteger(k) && k >= 1 && k <= vocab)) {
    throw new ValueError(OWNER, `topK ${k} must be an integer in [1, ${vocab}] (the vocabulary size)`);
  }
}

/** The sampling distribution over the vocabulary for one row of logits (V). */
export function nextTokenProbs(logits: ArrayLike<number>, opts: SamplingOptions = {}): Float64Array {
  checkSampling(opts, logits.length);
  const V = logits.length, p = new Float64Array(V);
  let best = 0;
  for (let i = 1; i < V; i++) if (logits[i]! > logits[best]!) best = i;
  const t = opts.temperature ?? 1;
  if (t === 0) {
    p[best] = 1;
    return p;
  }
  // The k-th largest logit: everything below it is dropped.
  const kth = opts.topK === undefined ? -Infinity : Array.from(logits).sort((a, b) => b - a)[opts.topK - 1]!;
  let total = 0;
  for (let i = 0; i < V; i++) {
    p[i] = logits[i]! >= kth ? Math.exp((logits[i]! - logits[best]!) / t) : 0;
    total += p[i]!;
  }
  for (let i = 0; i < V; i++) p[i]! /= total;
  return p;
}

/** Inverse CDF: the first i with p_0 + … + p_i > u (u in [0, 1)); the last token with mass if rounding leaves u above the sum. */
export function drawIndex(p: ArrayLike<number>, u: number): number {
  let acc = 0, last = 0;
  for (let i = 0; i < p.length; i++) {
    if (p[i]! <= 0) continue;
    acc += p[i]!;
    last = i;
    if (u < acc) return i;
  }
  return last;
}
