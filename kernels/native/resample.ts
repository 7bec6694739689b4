import { avgPoolGeom, poolSpan, type AvgPool2dAttrs, type Win } from '../../engine/ops/nn/conv-util.js';
import { adaptiveGeom, packTaps, upsampleGeom, type AdaptiveAvgPool2dAttrs, type Taps, type UpsampleAttrs } from '../../engine/ops/nn/resample-util.js';
import { addon } from './addon.js';
import type { NativeArg, NativeKernel } from './types.js';
import { alloc } from './util.js';

// Separable resampling (native/src/resample.cc): out[p, i, j] = Σ_v wW[j][v] · Σ_u wH[i][u] · x[p, iH[i][u], iW[j][v]]
// with per-dim taps: adaptive_avg_pool2d and upsample use the op's own taps; avg_pool2d's window
// sum over in-range pixels divided by its divisor factors the same way (avgPoolTaps).

/**
 * avg_pool2d's taps of one dim: window i covers [a, b) of the padded input (poolSpan); its
 * in-range pixels [lo, hi) weigh 1/(padded length) (countIncludePad) or 1/(in-range
 * length), or `scale` when given (divisorOverride); a window without input pixels has no taps.
 * NOTE: torch's divisor is the product of the per-dim lengths, so it factors per dim.
 */
function avgPoolTaps(w: Win, countIncludePad: boolean, scale?: number): Taps {
  return Array.from({ length: w.out }, (_, i) => {
    const { a, b, lo, hi } = poolSpan(w, i);
    if (hi <= lo) return { idx: [], wt: [] };
    const idx = Array.from({ length: hi - lo }, (_, j) => lo + j);
    const wt = scale ?? 1 / (countIncludePad ? b - a : hi - lo);
    return { idx, wt: idx.map(() => wt) };
  });
}

function resample(x: NativeArg, th: Taps, tw: Taps, o: Parameters<typeof alloc>[0]): Float32Array[] {
  const out = alloc(o) as Float32Array;
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const { taps, weights } = packTaps(th, tw);
  addon().resample(x.data as Float32Array, out, N * C, H, W, th.length, tw.length, taps, weights);
  return [out];
}

export const avgPool2d: NativeKernel<AvgPool2dAttrs> = ([x], attrs, [o]) => {
  const { wins } = avgPoolGeom('avg_pool2d', x!, attrs);
  const cip = attrs.countIncludePad ?? true, d = attrs.divisorOverride;
  return resample(x!, avgPoolTaps(wins[0]!, cip, d === undefined ? undefined : 1), avgPoolTaps(wins[1]!, cip, d === undefined ? undefined : 1 / d), o!);
};

export const adaptiveAvgPool2d: NativeKernel<AdaptiveAvgPool2dAttrs> = ([x], attrs, [o]) => resample(x!, ...adaptiveGeom(x!, attrs).taps, o!);

export const upsample: NativeKernel<UpsampleAttrs> = ([x], attrs, [o]) => resample(x!, ...upsampleGeom('upsample', x!, attrs).taps, o!);
