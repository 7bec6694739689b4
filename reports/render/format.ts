// Number formatting shared by the HTML and markdown renderers.
import type { BenchRecord } from '../schema.js';

export { fmtMs } from '../../suites/harness/bench/format.js';

/** 1234567 → '1.23M' (3 significant digits with an SI prefix). */
export function si(x: number): string {
  const a = Math.abs(x);
  if (a >= 1e12) return `${(x / 1e12).toPrecision(3)}T`;
  if (a >= 1e9) return `${(x / 1e9).toPrecision(3)}G`;
  if (a >= 1e6) return `${(x / 1e6).toPrecision(3)}M`;
  if (a >= 1e4) return `${(x / 1e3).toPrecision(3)}k`;
  return a >= 1000 ? x.toFixed(0) : x.toPrecision(3);
}

export const pct = (x: number | null | undefined, digits = 3): string => (x == null || !Number.isFinite(x) ? '-' : `${(100 * x).toPrecision(digits)}%`);
export const sci = (x: number | null | undefined): string => (x == null ? '-' : x === 0 ? '0' : x.toExponential(2));
export const bytes = (b: number | null | undefined): string =>
  b == null ? '-' : b >= 2 ** 30 ? `${(b / 2 ** 30).toFixed(2)} GiB` : b >= 2 ** 20 ? `${(b / 2 ** 20).toFixed(1)} MiB` : `${(b / 1024).toFixed(1)} KiB`;
export const signedPct = (x: number | null): string => (x === null ? '-' : `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}%`);

const MODE_WORDS: Record<string, string> = { train: 'training', infer: 'inference', decode: 'decoding', op: 'op' };
export const modeWord = (mode: string): string => MODE_WORDS[mode] ?? mode;

/** 'gpt train (tiny, b2, t16)' or 'matmul 64x64,64x64 float32'. */
export function benchLabel(r: BenchRecord): string {
  if (r.kind === 'op') return `${r.name} ${(r.shapes ?? []).map((s) => s.join('x') || '()').join(',')} ${r.dtype}`;
  const dims = [r.preset, r.batch != null ? `b${r.batch}` : null, r.seq ? `t${r.seq}` : null].filter(Boolean).join(', ');
  return `${r.name} ${r.mode}${dims ? ` (${dims})` : ''}`;
}

/** The throughput with its interval: '267 tokens/s [250, 280]'. */
export function throughputText(r: BenchRecord): string {
  if (!r.throughput) return '-';
  const t = r.throughput;
  return `${si(t.perSecond)} ${t.unit} [${si(t.ci[0])}, ${si(t.ci[1])}]`;
}
