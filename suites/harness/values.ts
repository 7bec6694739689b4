// Deterministic input values for checks, drawn from each input's declared domain with the
// engine's Philox stream (so a failing case replays from its seed).
import type { CheckCase, CheckSpec, Domain, InputSpec, ValueSource } from '../../engine/check.js';
import { U24, philoxWords } from '../../engine/rng.js';
import { sizeOf } from '../../engine/shape.js';

export class PhiloxSource implements ValueSource {
  private buf = new Uint32Array(256);
  private pos = 256;
  private offset = 0;
  constructor(private readonly seed: number) {}
  private word(): number {
    if (this.pos === this.buf.length) {
      philoxWords(this.seed, this.offset, this.buf);
      this.offset += this.buf.length;
      this.pos = 0;
    }
    return this.buf[this.pos++]!;
  }
  uniform(): number {
    return (this.word() >>> 8) * U24;
  }
  int(low: number, high: number): number {
    return low + Math.floor(this.uniform() * (high - low));
  }
  normal(): number {
    const u1 = 1 - this.uniform(), u2 = this.uniform();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
}

/** A value in `d`, at least `margin` away from every point in `d.avoid`. */
function fromDomain(d: Domain, src: ValueSource): number {
  const margin = d.margin ?? 0.1;
  for (;;) {
    const x = d.low + (d.high - d.low) * src.uniform();
    if (!(d.avoid ?? []).some((a) => Math.abs(x - a) < margin)) return x;
  }
}

/** `n` values of `d` pairwise at least (high-low)/(2n) apart: a jittered shuffled grid. */
function distinctValues(d: Domain, n: number, src: ValueSource): number[] {
  const idx = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = src.int(0, i + 1);
    [idx[i], idx[j]] = [idx[j]!, idx[i]!];
  }
  const w = (d.high - d.low) / n;
  return idx.map((k) => d.low + w * (k + 0.25 + 0.5 * src.uniform()));
}

export function specFor(spec: CheckSpec<unknown>, i: number): InputSpec {
  return spec.inputs[Math.min(i, spec.inputs.length - 1)]!;
}

/** Values for every input of a case (flat, row-major). */
export function caseValues(spec: CheckSpec<unknown>, c: CheckCase<unknown>, seed: number): number[][] {
  const src = new PhiloxSource(seed);
  const custom = spec.values?.(c, src) ?? [];
  const out: number[][] = c.shapes.map((shape, i) => {
    const given = custom[i];
    if (given) return [...given];
    const s = specFor(spec, i);
    const n = sizeOf(shape);
    const d = s.domain ?? { low: 0, high: 1 };
    if (s.kind !== 'float') return Array.from({ length: n }, () => src.int(Math.ceil(d.low), Math.floor(d.high) + 1));
    return d.distinct ? [] : Array.from({ length: n }, () => fromDomain(d, src));
  });
  // Inputs with a distinct domain share one pool, so no value repeats across them either.
  const distinctInputs = c.shapes.map((_, i) => i).filter((i) => !custom[i] && specFor(spec, i).kind === 'float' && specFor(spec, i).domain?.distinct);
  if (distinctInputs.length) {
    const total = distinctInputs.reduce((acc, i) => acc + sizeOf(c.shapes[i]!), 0);
    const pool = distinctValues(specFor(spec, distinctInputs[0]!).domain!, total, src);
    let at = 0;
    for (const i of distinctInputs) {
      const n = sizeOf(c.shapes[i]!);
      out[i] = pool.slice(at, at + n);
      at += n;
    }
  }
  return out;
}
