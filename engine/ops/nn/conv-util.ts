// Sliding-window geometry shared by the conv, fold/unfold and pooling ops and their ref kernels:
// attribute resolution (torch defaults), validation (the only place it happens) and output sizes.
// Pure arithmetic: no op is imported here (the op-based VJP pieces live in conv-grad.ts).
import fc from 'fast-check';
import { sizeProfile } from '../../arb.js';
import type { TensorMeta } from '../../backend.js';
import { promoteTypes, type DType } from '../../dtype.js';
import { ShapeError, ValueError, fmtShape } from '../../errors.js';
import type { Cost } from '../../op.js';
import { sizeOf, type Shape } from '../../shape.js';
import { bytesOf, requireFloat } from '../infer.js';

/** An int for every spatial dim, or one per dim (torch `_pair`). */
export type IntPair = number | readonly [number, number];

/**
 * One spatial dimension of a sliding window: input `size`, kernel `k`, stride `s`, dilation `d`,
 * padding before (`lo`) and after (`hi`), and the number of window positions `out`.
 * Window i covers input positions i·s - lo + j·d, j < k.
 */
export interface Win {
  size: number;
  k: number;
  s: number;
  d: number;
  lo: number;
  hi: number;
  out: number;
}

/** Extent of the dilated kernel, d·(k-1) + 1. */
export const span = (w: Pick<Win, 'k' | 'd'>): number => w.d * (w.k - 1) + 1;

/** Size of the frame that the `out` windows cover: (out-1)·s + d·(k-1) + 1. */
export const frameSize = (w: Win): number => (w.out - 1) * w.s + span(w);

/** A trivial dimension (size 1, kernel 1): lifts a 1-d geometry to 2-d. */
export const unitWin: Win = { size: 1, k: 1, s: 1, d: 1, lo: 0, hi: 0, out: 1 };

/** An attribute value for messages: a number, or a tuple as (a,b). */
export const fmtVal = (v: unknown): string => (Array.isArray(v) ? `(${v.join(',')})` : String(v));

/** `nd` integers >= min from a number or an nd-tuple; `dflt` when undefined. */
export function intTuple(op: string, name: string, v: number | readonly number[] | undefined, nd: number, dflt: number, min: number): number[] {
  const vals = v === undefined ? new Array<number>(nd).fill(dflt) : typeof v === 'number' ? new Array<number>(nd).fill(v) : [...v];
  const what = min === 0 ? 'non-negative' : min === 1 ? 'positive' : `>= ${min}`;
  if (vals.length !== nd || !vals.every((x) => Number.isInteger(x) && x >= min)) {
    throw new ValueError(op, `${name} ${fmtVal(v)} must be ${nd === 1 ? 'a' : `one or ${nd}`} ${what} integer${nd === 1 ? '' : 's'}`);
  }
  return vals;
}

/** Window count: floor((size + lo + hi - span) / s) + 1, or torch's ceil-mode rule for pools. */
export function windowCount(size: number, k: number, s: number, d: number, lo: number, hi: number, ceil = false): number {
  const room = size + lo + hi - d * (k - 1) - 1;
  let n = Math.floor((room + (ceil ? s - 1 : 0)) / s) + 1;
  // torch pooling_output_shape: the last window must start inside the input or the left padding.
  if (ceil && (n - 1) * s >= size + lo) n--;
  return n;
}

export function requireRank(op: string, arg: string, m: TensorMeta, rank: number, layout: string): void {
  if (m.shape.length !== rank) throw new ShapeError(op, `${arg} ${fmtShape(m.shape)} must be ${rank}-D ${layout}`);
}

/** Window geometry of every spatial dim; a ShapeError if some dim has no window position. */
function makeWins(op: string, what: string, sizes: Shape, k: number[], s: number[], d: number[], lo: number[], hi: number[], ceil = false): Win[] {
  const wins = sizes.map((size, i) => ({ size, k: k[i]!, s: s[i]!, d: d[i]!, lo: lo[i]!, hi: hi[i]!, out: windowCount(size, k[i]!, s[i]!, d[i]!, lo[i]!, hi[i]!, ceil) }));
  if (wins.some((w) => w.size + w.lo + w.hi < span(w) || w.out < 1)) {
    const padded = wins.map((w) => w.size + w.lo + w.hi), kernel = wins.map(span);
    throw new ShapeError(op, `${what} padded to ${fmtShape(padded)} is smaller than the dilated kernel ${fmtShape(kernel)}`);
  }
  return wins;
}

// ---- convolution ----

export interface ConvAttrs {
  stride?: number | readonly number[];
  /** A number or one per dim (both sides), 'valid' (= 0) or 'same' (stride 1; odd extra pad after). */
  padding?: number | readonly number[] | 'same' | 'valid';
  dilation?: number | readonly number[];
  groups?: number;
}

export interface ConvGeom {
  N: number;
  C: number;
  O: number;
  G: number;
  wins: Win[];
  dtype: DType;
}

const layouts = { 1: ['(N,C,L)', '(O,C/groups,K)'], 2: ['(N,C,H,W)', '(O,C/groups,kH,kW)'] } as const;

/** Float inputs, ranks, groups and the bias shape of conv1d/conv2d/conv_transpose2d. */
function convOperands(op: string, inputs: readonly TensorMeta[], nd: 1 | 2, groups: number | undefined): { G: number; dtype: DType } {
  if (inputs.length !== 2 && inputs.length !== 3) throw new ValueError(op, `expects 2 or 3 tensor inputs (x, weight, bias), got ${inputs.length}`);
  const [x, w, b] = inputs as [TensorMeta, TensorMeta, TensorMeta | undefined];
  const names = ['x', 'weight', 'bias'];
  inputs.forEach((m, i) => requireFloat(op, names[i]!, m));
  const [xl, wl] = op === 'conv_transpose2d' ? ['(N,C,H,W)', '(C,O/groups,kH,kW)'] : layouts[nd];
  requireRank(op, 'x', x, nd + 2, xl);
  requireRank(op, 'weight', w, nd + 2, wl);
  const G = groups ?? 1;
  if (!Number.isInteger(G) || G < 1) throw new ValueError(op, `groups ${G} must be a positive integer`);
  const dtype = [x, w, ...(b ? [b] : [])].map((m) => m.dtype).reduce(promoteTypes);
  return { G, dtype };
}

function requireBias(op: string, b: TensorMeta | undefined, O: number, w: TensorMeta): void {
  if (b && (b.shape.length !== 1 || b.shape[0] !== O)) {
    throw new ShapeError(op, `bias ${fmtShape(b.shape)} must have shape (${O}), one value per output channel of weight ${fmtShape(w.shape)}`);
  }
}

/** Padding before/after each spatial dim; 'same' as torch (total d·(k-1), the odd unit after). */
function convPads(op: string, attrs: ConvAttrs, nd: number, k: number[], s: number[], d: number[]): [number[], number[]] {
  const p = attrs.padding ?? 0;
  if (p === 'valid') return [new Array<number>(nd).fill(0), new Array<number>(nd).fill(0)];
  if (p === 'same') {
    if (s.some((x) => x !== 1)) throw new ValueError(op, `padding 'same' needs stride 1, got stride ${fmtVal(s)}`);
    const total = k.map((kk, i) => d[i]! * (kk - 1));
    return [total.map((t) => Math.floor(t / 2)), total.map((t) => t - Math.floor(t / 2))];
  }
  if (typeof p === 'string') throw new ValueError(op, `padding '${p}' is not a number, 'same' or 'valid'`);
  const pads = intTuple(op, 'padding', p, nd, 0, 0);
  return [pads, pads];
}

/** Geometry of conv1d (nd 1) or conv2d (nd 2): x (N,C,*), weight (O,C/G,*k), optional bias (O). */
export function convGeom(op: string, inputs: readonly TensorMeta[], attrs: ConvAttrs, nd: 1 | 2): ConvGeom {
  const { G, dtype } = convOperands(op, inputs, nd, attrs.groups);
  const [x, w, b] = inputs as [TensorMeta, TensorMeta, TensorMeta | undefined];
  const [N, C] = x.shape as [number, number];
  const O = w.shape[0]!;
  const shapes = `x ${fmtShape(x.shape)} and weight ${fmtShape(w.shape)}`;
  if (C % G !== 0) throw new ShapeError(op, `${shapes}: x has ${C} channels, which groups ${G} does not divide`);
  if (O % G !== 0) throw new ShapeError(op, `${shapes}: weight has ${O} output channels, which groups ${G} does not divide`);
  if (w.shape[1] !== C / G) {
    throw new ShapeError(op, `${shapes}: weight expects ${w.shape[1]} input channels per group, but x has ${C} channels in ${G} group${G === 1 ? '' : 's'} (${C / G} per group)`);
  }
  requireBias(op, b, O, w);
  const k = w.shape.slice(2);
  const s = intTuple(op, 'stride', attrs.stride, nd, 1, 1);
  const d = intTuple(op, 'dilation', attrs.dilation, nd, 1, 1);
  const [lo, hi] = convPads(op, attrs, nd, k, s, d);
  if (k.some((kk) => kk < 1)) throw new ShapeError(op, `${shapes}: weight has an empty kernel`);
  const wins = makeWins(op, `${shapes}: x`, x.shape.slice(2), k, s, d, lo, hi);
  return { N, C, O, G, wins, dtype };
}

export interface ConvTranspose2dAttrs {
  stride?: IntPair;
  padding?: IntPair;
  /** Extra size added after the last output row/column (torch output_padding). */
  outputPadding?: IntPair;
  dilation?: IntPair;
  groups?: number;
}

/**
 * Geometry of conv_transpose2d: x (N,C,H,W), weight (C,O/G,kh,kw). The wins describe the conv2d
 * that it is the adjoint of, from the output y (size Hout) to x (out = H):
 * Hout = (H-1)·s - 2p + d·(k-1) + outputPadding + 1.
 */
export function convTransposeGeom(inputs: readonly TensorMeta[], attrs: ConvTranspose2dAttrs): ConvGeom {
  const op = 'conv_transpose2d';
  const { G, dtype } = convOperands(op, inputs, 2, attrs.groups);
  const [x, w, b] = inputs as [TensorMeta, TensorMeta, TensorMeta | undefined];
  const [N, C] = x.shape as [number, number];
  const shapes = `x ${fmtShape(x.shape)} and weight ${fmtShape(w.shape)}`;
  if (C % G !== 0) throw new ShapeError(op, `${shapes}: x has ${C} channels, which groups ${G} does not divide`);
  if (w.shape[0] !== C) throw new ShapeError(op, `${shapes}: weight has ${w.shape[0]} input channels but x has ${C}`);
  const O = w.shape[1]! * G;
  requireBias(op, b, O, w);
  const k = w.shape.slice(2);
  const s = intTuple(op, 'stride', attrs.stride, 2, 1, 1);
  const d = intTuple(op, 'dilation', attrs.dilation, 2, 1, 1);
  const p = intTuple(op, 'padding', attrs.padding, 2, 0, 0);
  const op2 = intTuple(op, 'outputPadding', attrs.outputPadding, 2, 0, 0);
  if (op2.some((q, i) => q >= s[i]! && q >= d[i]!)) {
    throw new ValueError(op, `outputPadding ${fmtVal(op2)} must be smaller than stride ${fmtVal(s)} or dilation ${fmtVal(d)} in each dimension`);
  }
  const wins = x.shape.slice(2).map((H, i) => {
    const size = (H - 1) * s[i]! - 2 * p[i]! + d[i]! * (k[i]! - 1) + op2[i]! + 1;
    return { size, k: k[i]!, s: s[i]!, d: d[i]!, lo: p[i]!, hi: p[i]! - op2[i]!, out: H };
  });
  if (wins.some((win) => win.size < 1 || win.k < 1)) {
    throw new ShapeError(op, `${shapes}: the output would have spatial size ${fmtShape(wins.map((win) => win.size))}`);
  }
  return { N, C, O, G, wins, dtype };
}

// ---- unfold / fold ----

export interface UnfoldAttrs {
  kernelSize: IntPair;
  dilation?: IntPair;
  padding?: IntPair;
  stride?: IntPair;
}

export interface FoldAttrs extends UnfoldAttrs {
  /** Spatial size (H, W) of the output. */
  outputSize: IntPair;
}

function blockWins(op: string, what: string, sizes: Shape, attrs: UnfoldAttrs): Win[] {
  const k = intTuple(op, 'kernelSize', attrs.kernelSize, 2, 1, 1);
  const s = intTuple(op, 'stride', attrs.stride, 2, 1, 1);
  const d = intTuple(op, 'dilation', attrs.dilation, 2, 1, 1);
  const p = intTuple(op, 'padding', attrs.padding, 2, 0, 0);
  return makeWins(op, what, sizes, k, s, d, p, p);
}

/** unfold: x (N,C,H,W) → (N, C·kh·kw, oh·ow). */
export function unfoldGeom(op: string, x: TensorMeta, attrs: UnfoldAttrs): { N: number; C: number; wins: Win[] } {
  requireRank(op, 'x', x, 4, '(N,C,H,W)');
  return { N: x.shape[0]!, C: x.shape[1]!, wins: blockWins(op, `x ${fmtShape(x.shape)}`, x.shape.slice(2), attrs) };
}

/** fold: cols (N, C·kh·kw, L) → (N, C, H, W) with L the number of blocks of (H, W). */
export function foldGeom(op: string, cols: TensorMeta, attrs: FoldAttrs): { N: number; C: number; wins: Win[] } {
  requireRank(op, 'cols', cols, 3, '(N,C·kH·kW,L)');
  const size = intTuple(op, 'outputSize', attrs.outputSize, 2, 1, 1);
  const wins = blockWins(op, `outputSize ${fmtShape(size)}`, size, attrs);
  const [N, CK, L] = cols.shape as [number, number, number];
  const kk = wins[0]!.k * wins[1]!.k, blocks = wins[0]!.out * wins[1]!.out;
  if (CK % kk !== 0) throw new ShapeError(op, `cols ${fmtShape(cols.shape)}: dimension 1 (${CK}) is not divisible by the kernel size ${wins[0]!.k}·${wins[1]!.k} = ${kk}`);
  if (L !== blocks) {
    throw new ShapeError(op, `cols ${fmtShape(cols.shape)}: dimension 2 (${L}) must equal the ${wins[0]!.out}·${wins[1]!.out} = ${blocks} blocks of outputSize ${fmtShape(size)}`);
  }
  return { N, C: CK / kk, wins };
}

// ---- pooling ----

export interface MaxPool2dAttrs {
  kernelSize: IntPair;
  /** Default: kernelSize. */
  stride?: IntPair;
  /** Implicit -inf padding, at most half the kernel. */
  padding?: IntPair;
  dilation?: IntPair;
  ceilMode?: boolean;
}

export interface AvgPool2dAttrs {
  kernelSize: IntPair;
  stride?: IntPair;
  padding?: IntPair;
  ceilMode?: boolean;
  /** Count zero padding in the divisor (default true). */
  countIncludePad?: boolean;
  /** Divide by this instead of the window size. */
  divisorOverride?: number;
}

/** Pool geometry (torch pool2d_shape_check): x (N,C,H,W) with C, H, W >= 1, pad <= kernel/2. */
export function poolGeom(op: string, x: TensorMeta, attrs: MaxPool2dAttrs): { N: number; C: number; wins: Win[] } {
  requireFloat(op, 'x', x);
  requireRank(op, 'x', x, 4, '(N,C,H,W)');
  if (x.shape.slice(1).some((n) => n === 0)) throw new ShapeError(op, `x ${fmtShape(x.shape)} has an empty channel or spatial dimension`);
  const k = intTuple(op, 'kernelSize', attrs.kernelSize, 2, 1, 1);
  const s = intTuple(op, 'stride', attrs.stride ?? attrs.kernelSize, 2, 1, 1);
  const d = intTuple(op, 'dilation', attrs.dilation, 2, 1, 1);
  const p = intTuple(op, 'padding', attrs.padding, 2, 0, 0);
  if (p.some((q, i) => 2 * q > k[i]!)) throw new ValueError(op, `padding ${fmtVal(p)} must be at most half of kernelSize ${fmtVal(k)}`);
  const wins = makeWins(op, `x ${fmtShape(x.shape)}`, x.shape.slice(2), k, s, d, p, p, attrs.ceilMode ?? false);
  return { N: x.shape[0]!, C: x.shape[1]!, wins };
}

/**
 * Window i of an avg_pool2d dim: [a, b) of the padded input (clipped to it, as torch's CPU kernel)
 * and its in-range part [lo, hi) (empty when hi <= lo).
 */
export function poolSpan(w: Win, i: number): { a: number; b: number; lo: number; hi: number } {
  const a = i * w.s - w.lo, b = Math.min(a + w.k, w.size + w.lo);
  return { a, b, lo: Math.max(a, 0), hi: Math.min(b, w.size) };
}

/**
 * The divisor of every avg_pool2d window (row-major (oh, ow)), as torch's CPU kernel: the window
 * size clipped to the padded input (countIncludePad) or to the input, or divisorOverride;
 * 0 marks a window that holds no input element (its output is 0).
 */
export function avgPoolDivisors([wh, ww]: readonly Win[], attrs: AvgPool2dAttrs): Float64Array {
  const out = new Float64Array(wh!.out * ww!.out);
  const clip = (w: Win, i: number) => {
    const { a, b, lo, hi } = poolSpan(w, i);
    return { padded: b - a, real: hi - lo };
  };
  for (let i = 0; i < wh!.out; i++) {
    const h = clip(wh!, i);
    for (let j = 0; j < ww!.out; j++) {
      const w = clip(ww!, j);
      if (h.real <= 0 || w.real <= 0) continue;
      out[i * ww!.out + j] = attrs.divisorOverride ?? ((attrs.countIncludePad ?? true) ? h.padded * w.padded : h.real * w.real);
    }
  }
  return out;
}

/** avg_pool2d geometry: poolGeom without dilation, and a non-zero integer divisorOverride. */
export function avgPoolGeom(op: string, x: TensorMeta, attrs: AvgPool2dAttrs): { N: number; C: number; wins: Win[] } {
  const d = attrs.divisorOverride;
  if (d !== undefined && (!Number.isInteger(d) || d === 0)) throw new ValueError(op, `divisorOverride ${d} must be a non-zero integer`);
  return poolGeom(op, x, { kernelSize: attrs.kernelSize, stride: attrs.stride, padding: attrs.padding, ceilMode: attrs.ceilMode });
}

// ---- check cases ----

/** One spatial dim of a generated case: sizes that leave at least one window. */
export interface WinCase {
  size: number;
  k: number;
  s: number;
  d: number;
  p: number;
}

export interface WinCaseOpts {
  maxK?: number;
  maxS?: number;
  maxD?: number;
  maxP?: number;
  /** Pools: padding at most half the kernel. */
  halfPad?: boolean;
  /** Under the parity profile, also inputs 2, 14 or 30 beyond the smallest that fits (kernel tails). */
  grow?: boolean;
}

/** Extra input length beyond the smallest that fits: 0-3, or 0, 2, 14, 30 under the parity profile when `grow`. */
const extraLen = (e: number, grow: boolean): number => (grow && sizeProfile() === 'parity' ? [0, 2, 14, 30][e]! : e);

/**
 * Channels per group of conv cases: 1-2 for gradient checks; under the parity profile 1, 3, 7, 17
 * or 33, sizes that are not multiples of the kernels' tiles (native 6×16, WGSL 32×32).
 */
export const arbGroupWidth = (): fc.Arbitrary<number> =>
  fc.integer({ min: 1, max: 5 }).map((i) => (sizeProfile() === 'parity' ? [1, 3, 7, 17, 33][i - 1]! : 1 + ((i - 1) % 2)));

/** Kernel 1..maxK, stride 1..maxS, dilation 1..maxD, padding, and an input (odd sizes too) that fits. */
export function arbWinCase(o: WinCaseOpts = {}): fc.Arbitrary<WinCase> {
  const { maxK = 3, maxS = 3, maxD = 2, maxP = 2, halfPad = false, grow = false } = o;
  return fc
    .record({ k: fc.integer({ min: 1, max: maxK }), s: fc.integer({ min: 1, max: maxS }), d: fc.integer({ min: 1, max: maxD }), extra: fc.integer({ min: 0, max: 3 }) })
    .chain((r) =>
      fc.integer({ min: 0, max: halfPad ? Math.min(maxP, Math.floor(r.k / 2)) : maxP }).map((p) => ({
        k: r.k, s: r.s, d: r.d, p, size: Math.max(1, span(r) - 2 * p) + extraLen(r.extra, grow),
      })),
    );
}

/** A number when both entries agree and `asNumber`, else the pair (both attribute forms get drawn). */
export const pairAttr = (a: number, b: number, asNumber: boolean): IntPair => (a === b && asNumber ? a : [a, b]);

/** Batch sizes for cases: mostly 1-2, rarely 0. */
export const arbBatch = fc.oneof({ arbitrary: fc.integer({ min: 1, max: 2 }), weight: 16 }, { arbitrary: fc.constant(0), weight: 1 });

export type ConvPadMode = 'number' | 'same' | 'valid';

/** A dim of a conv case under a padding mode: 'same' forces stride 1, 'valid' an input >= the kernel. */
export function convDimCase(w: WinCase, mode: ConvPadMode): WinCase {
  if (mode === 'same') return { ...w, s: 1 };
  if (mode === 'valid') return { ...w, p: 0, size: Math.max(w.size, span(w)) };
  return w;
}

/** FLOPs of a convolution: an FMA per (output element, weight of its group) plus the bias adds. */
export function convCost(g: ConvGeom, inputs: readonly TensorMeta[], outputs: readonly TensorMeta[]): Cost {
  const outSize = sizeOf(outputs[0]!.shape);
  const perOut = (g.C / g.G) * g.wins.reduce((a, w) => a * w.k, 1);
  return { flops: 2 * outSize * perOut + (inputs.length === 3 ? outSize : 0), bytes: bytesOf(inputs) + bytesOf(outputs) };
}
