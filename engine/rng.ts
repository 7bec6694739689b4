// Counter-based random numbers: Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy
// as 1, 2, 3", SC 2011). Every backend reproduces exactly these bits; this file is the spec.
//
// Stream: word i (i >= 0) of the stream for (seed, offset) is
//   q, r  = divmod(offset + i, 4)
//   key   = [seed mod 2^32, floor(seed / 2^32)]
//   ctr   = [q mod 2^32, floor(q / 2^32), 0, 0]
//   word  = philox4x32_10(ctr, key)[r]
// Draws built on the words (element j of a tensor, in row-major order):
//   uniform:   u = (word_j >>> 8) * 2^-24 in [0, 1); value = low + (high - low) * u
//   bernoulli: 1 if u_j < p else 0
//   randint:   low + mulhi32(word_j, high - low)          (range <= 2^32)
//   normal:    pair k = floor(j / 2) uses words 2k, 2k+1:
//              u1 = ((w_2k >>> 8) + 1) * 2^-24 in (0, 1], u2 = (w_2k+1 >>> 8) * 2^-24,
//              z = sqrt(-2 ln u1) * (j even ? cos(2 pi u2) : sin(2 pi u2)); value = mean + std * z
// A Generator hands out offsets: each draw of n words advances it by n rounded up to 4.

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;
const TWO32 = 4294967296;

/** High 32 bits of the 64-bit product of two uint32 values, exact in doubles. */
export function mulhi32(a: number, b: number): number {
  const al = a & 0xffff, ah = a >>> 16, bl = b & 0xffff, bh = b >>> 16;
  const lh = al * bh, hl = ah * bl;
  const mid = ((al * bl) >>> 16) + (lh & 0xffff) + (hl & 0xffff);
  return (ah * bh + (lh >>> 16) + (hl >>> 16) + Math.floor(mid / 65536)) >>> 0;
}

/** Philox4x32 with 10 rounds; writes the 4 output words into `out`. */
export function philox4x32(c0: number, c1: number, c2: number, c3: number, k0: number, k1: number, out: Uint32Array): void {
  for (let round = 0; round < 10; round++) {
    if (round > 0) {
      k0 = (k0 + W0) >>> 0;
      k1 = (k1 + W1) >>> 0;
    }
    const hi0 = mulhi32(M0, c0), lo0 = Math.imul(M0, c0) >>> 0;
    const hi1 = mulhi32(M1, c2), lo1 = Math.imul(M1, c2) >>> 0;
    c0 = (hi1 ^ c1 ^ k0) >>> 0;
    c1 = lo1;
    c2 = (hi0 ^ c3 ^ k1) >>> 0;
    c3 = lo0;
  }
  out[0] = c0; out[1] = c1; out[2] = c2; out[3] = c3;
}

export function checkSeed(op: string, seed: number): void {
  if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`${op}: seed ${seed} must be a non-negative safe integer`);
}

/** Fills `out` with words offset .. offset + out.length - 1 of the stream for `seed`. */
export function philoxWords(seed: number, offset: number, out: Uint32Array): void {
  const k0 = seed % TWO32 >>> 0, k1 = Math.floor(seed / TWO32) >>> 0;
  const block = new Uint32Array(4);
  let i = 0;
  while (i < out.length) {
    const idx = offset + i;
    const q = Math.floor(idx / 4), r = idx % 4;
    philox4x32(q % TWO32 >>> 0, Math.floor(q / TWO32) >>> 0, 0, 0, k0, k1, block);
    for (let w = r; w < 4 && i < out.length; w++) out[i++] = block[w]!;
  }
}

export const U24 = 1 / 16777216;

/** Words needed for a draw of `n` values of `kind`. */
export function wordsFor(kind: RandomKind, n: number): number {
  return kind === 'normal' ? 2 * Math.ceil(n / 2) : n;
}

export type RandomKind = 'uniform' | 'normal' | 'bernoulli' | 'randint';

/** Hands out non-overlapping offsets of one seed's stream. */
export class Generator {
  readonly seed: number;
  private next_ = 0;
  constructor(seed: number, offset = 0) {
    checkSeed('Generator', seed);
    this.seed = seed;
    this.next_ = offset;
  }
  get offset(): number {
    return this.next_;
  }
  /** Reserves `words` words and returns the offset of the first one. */
  take(words: number): number {
    const o = this.next_;
    this.next_ += Math.ceil(words / 4) * 4;
    return o;
  }
  /** An independent generator for a named purpose, keyed off this seed (does not advance this one). */
  fork(stream: number): Generator {
    return new Generator((this.seed * 1000003 + stream + 1) % 9007199254740881);
  }
}
