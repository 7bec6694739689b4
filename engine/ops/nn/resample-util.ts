// Separable linear resampling shared by adaptive_avg_pool2d and upsample and their ref kernels:
// per spatial dim, each output index reads a few input indices with weights ("taps"), so the op
// is y = A_h · x · A_wᵀ. Validation of both ops' attributes happens here.
import type { TensorMeta } from '../../backend.js';
import { ShapeError, ValueError, fmtShape } from '../../errors.js';
import { requireFloat } from '../infer.js';
import { fmtVal, intTuple, requireRank, type IntPair } from './conv-util.js';

/** For each output index, the input indices it reads and their weights: out[i] = Σ w·x[idx]. */
export type Taps = { idx: number[]; wt: number[] }[];

/** torch adaptive pooling: window [floor(i·in/out), ceil((i+1)·in/out)), averaged. */
export function adaptiveTaps(inSize: number, outSize: number): Taps {
  return Array.from({ length: outSize }, (_, i) => {
    const a = Math.floor((i * inSize) / outSize), b = Math.ceil(((i + 1) * inSize) / outSize);
    const idx = Array.from({ length: b - a }, (_, j) => a + j);
    return { idx, wt: idx.map(() => 1 / (b - a)) };
  });
}

export interface AdaptiveAvgPool2dAttrs {
  /** Output (oh, ow); one number for a square output. */
  outputSize: IntPair;
}

/** Output size and the averaging taps of each spatial dim. */
export function adaptiveGeom(x: TensorMeta, attrs: AdaptiveAvgPool2dAttrs): { size: number[]; taps: [Taps, Taps] } {
  requireImage('adaptive_avg_pool2d', x);
  const size = intTuple('adaptive_avg_pool2d', 'outputSize', attrs.outputSize, 2, 1, 1);
  return { size, taps: [adaptiveTaps(x.shape[2]!, size[0]!), adaptiveTaps(x.shape[3]!, size[1]!)] };
}

/** Dense (out, in) matrix of `taps`, row-major. */
export function tapsMatrix(taps: Taps, inSize: number): Float64Array {
  const m = new Float64Array(taps.length * inSize);
  taps.forEach(({ idx, wt }, i) => idx.forEach((j, q) => (m[i * inSize + j]! += wt[q]!)));
  return m;
}

/**
 * Both dims' taps as flat tables for the native and WGSL kernels: [row offsets (oh+1), column
 * offsets (ow+1), indices...] and one weight per index (offsets index the indices, rows first).
 */
export function packTaps(th: Taps, tw: Taps): { taps: Int32Array; weights: Float32Array } {
  const heads = th.length + tw.length + 2;
  const n = [...th, ...tw].reduce((a, t) => a + t.idx.length, 0);
  const taps = new Int32Array(heads + n), weights = new Float32Array(n);
  let at = 0, slot = 0;
  for (const dim of [th, tw]) {
    for (const t of dim) {
      taps[slot++] = at;
      t.idx.forEach((v, q) => {
        taps[heads + at] = v;
        weights[at++] = t.wt[q]!;
      });
    }
    taps[slot++] = at;
  }
  return { taps, weights };
}

/** Float x (N,C,H,W) with H, W >= 1: the input of adaptive_avg_pool2d and upsample. */
export function requireImage(op: string, x: TensorMeta): void {
  requireFloat(op, 'x', x);
  requireRank(op, 'x', x, 4, '(N,C,H,W)');
  if (x.shape[2] === 0 || x.shape[3] === 0) throw new ShapeError(op, `x ${fmtShape(x.shape)} has an empty spatial dimension`);
}

export type UpsampleMode = 'nearest' | 'bilinear';

export interface UpsampleAttrs {
  /** Output (H, W); exactly one of size and scaleFactor. */
  size?: readonly [number, number];
  /** Output = floor(input · scaleFactor) per dim; the factor is also what the sampling uses. */
  scaleFactor?: number | readonly [number, number];
  /** Default 'nearest' (torch's legacy floor rule, not 'nearest-exact'). */
  mode?: UpsampleMode;
  /** bilinear only: map corner pixel centres onto each other (default false). */
  alignCorners?: boolean;
}

export interface Resample {
  /** Output spatial size (oh, ow). */
  size: [number, number];
  taps: [Taps, Taps];
}

/** Output size and the per-dim sampling taps of upsample, validated. */
export function upsampleGeom(op: string, x: TensorMeta, attrs: UpsampleAttrs): Resample {
  requireImage(op, x);
  const mode = attrs.mode ?? 'nearest';
  if (mode !== 'nearest' && mode !== 'bilinear') throw new ValueError(op, `mode '${String(mode)}' is not 'nearest' or 'bilinear'`);
  if (mode === 'nearest' && attrs.alignCorners !== undefined) throw new ValueError(op, `alignCorners can only be set with mode 'bilinear'`);
  if ((attrs.size === undefined) === (attrs.scaleFactor === undefined)) throw new ValueError(op, 'exactly one of size and scaleFactor must be given');
  const inSize = x.shape.slice(2) as [number, number];
  let size: number[], scales: (number | undefined)[] = [undefined, undefined];
  if (attrs.size !== undefined) size = intTuple(op, 'size', attrs.size, 2, 1, 1);
  else {
    const sf = attrs.scaleFactor!;
    scales = typeof sf === 'number' ? [sf, sf] : [...sf];
    if (scales.length !== 2 || !scales.every((v) => Number.isFinite(v) && v! > 0)) throw new ValueError(op, `scaleFactor ${fmtVal(sf)} must be one or 2 positive numbers`);
    size = inSize.map((n, i) => Math.floor(n * scales[i]!));
    if (size.some((n) => n < 1)) throw new ShapeError(op, `x ${fmtShape(x.shape)} scaled by ${fmtVal(sf)} gives an empty output ${fmtShape(size)}`);
  }
  const taps = inSize.map((n, i) => (mode === 'nearest' ? nearestTaps(n, size[i]!, scales[i]) : linearTaps(n, size[i]!, attrs.alignCorners ?? false, scales[i]))) as [Taps, Taps];
  return { size: size as [number, number], taps };
}

/**
 * torch's legacy nearest rule: src = min(floor(i · scale), in - 1), scale = 1/scaleFactor when
 * given, else in/out. NOTE: torch computes it in float32 (with exact shortcuts for out = in and
 * out = 2·in), so we round the same way with Math.fround to pick the same pixels.
 */
function nearestTaps(inSize: number, outSize: number, scaleFactor: number | undefined): Taps {
  const scale = Math.fround(scaleFactor !== undefined ? 1 / scaleFactor : inSize / outSize);
  return Array.from({ length: outSize }, (_, i) => {
    const src = outSize === inSize ? i : outSize === 2 * inSize ? i >> 1 : Math.min(Math.floor(Math.fround(i * scale)), inSize - 1);
    return { idx: [src], wt: [1] };
  });
}

/**
 * Linear interpolation weights (torch upsample_bilinear2d): alignCorners maps i to i·(in-1)/(out-1);
 * otherwise src = max((i + 0.5)·scale - 0.5, 0) with scale = 1/scaleFactor or in/out. The taps are
 * floor(src) and the next index (clamped), weighted 1 - λ and λ = src - floor(src).
 */
function linearTaps(inSize: number, outSize: number, alignCorners: boolean, scaleFactor: number | undefined): Taps {
  const scale = alignCorners ? (outSize > 1 ? (inSize - 1) / (outSize - 1) : 0) : scaleFactor !== undefined ? 1 / scaleFactor : inSize / outSize;
  return Array.from({ length: outSize }, (_, i) => {
    if (outSize === inSize) return { idx: [i], wt: [1] };
    const src = alignCorners ? scale * i : Math.max(scale * (i + 0.5) - 0.5, 0);
    const i0 = Math.floor(src), i1 = i0 < inSize - 1 ? i0 + 1 : i0;
    const l1 = Math.min(Math.max(src - i0, 0), 1);
    return { idx: [i0, i1], wt: [1 - l1, l1] };
  });
}

