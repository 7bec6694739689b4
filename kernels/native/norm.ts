// The normalization kernels (native/src/norm.cc): layer_norm, rms_norm, batch_norm, group_norm and
// instance_norm forward as one entry point over x viewed (N, C, S), and the fused backward of
// layer_norm and rms_norm. Absent weight/bias/statistics go to C++ as empty arrays.
import type { TensorMeta } from '../../engine/backend.js';
import type { BatchNormAttrs } from '../../engine/ops/nn/batch_norm.js';
import type { GroupNormAttrs } from '../../engine/ops/nn/group_norm.js';
import type { InstanceNormAttrs } from '../../engine/ops/nn/instance_norm.js';
import type { LayerNormAttrs } from '../../engine/ops/nn/layer_norm.js';
import { affineInputs, resolveEps, rmsEps } from '../../engine/ops/nn/norm-util.js';
import type { RmsNormAttrs } from '../../engine/ops/nn/rms_norm.js';
import { sizeOf } from '../../engine/shape.js';
import { addon } from './addon.js';
import type { NativeArg, NativeKernel } from './types.js';
import { alloc } from './util.js';

const NONE = new Float32Array(0);
const f32 = (a: NativeArg | undefined): Float32Array => (a ? (a.data as Float32Array) : NONE);

/** Modes of normForward: statistics per group, rms (no centring), batch training (per channel over N), batch eval (running stats). */
const MODE = { layer: 0, rms: 1, batchTrain: 2, batchEval: 3 } as const;

interface Layout {
  mode: number;
  n: number;
  c: number;
  s: number;
  groups: number;
  eps: number;
  weight?: NativeArg | undefined;
  bias?: NativeArg | undefined;
  mean?: NativeArg | undefined;
  variance?: NativeArg | undefined;
}

function forward(x: NativeArg, o: TensorMeta, l: Layout): Float32Array {
  const out = alloc(o) as Float32Array;
  if (out.length === 0) return out;
  addon().normForward(l.mode, f32(x), f32(l.weight), f32(l.bias), f32(l.mean), f32(l.variance), out, l.n, l.c, l.s, l.groups, l.eps);
  return out;
}

/** Trailing dims: rows × len with per-element parameters is (N, C, S) = (rows, len, 1) in one group. */
const trailing = (x: NativeArg, normalizedShape: readonly number[]) => {
  const len = sizeOf(normalizedShape);
  return { n: len ? x.data.length / len : 0, c: len, s: 1, groups: 1 };
};

/** x (N, C, *) as (N, C, S). */
const channels = (x: NativeArg) => ({ n: x.shape[0]!, c: x.shape[1]!, s: sizeOf(x.shape.slice(2)) });

export const layerNorm: NativeKernel<LayerNormAttrs> = ([x, ...ps], attrs, [o]) => {
  const { weight, bias } = affineInputs(ps, attrs);
  return [forward(x!, o!, { mode: MODE.layer, ...trailing(x!, attrs.normalizedShape), eps: resolveEps('layer_norm', attrs.eps, 1e-5), weight, bias })];
};

export const rmsNorm: NativeKernel<RmsNormAttrs> = ([x, w], attrs, [o]) => [
  forward(x!, o!, { mode: MODE.rms, ...trailing(x!, attrs.normalizedShape), eps: rmsEps(attrs.eps, x!.dtype), weight: w }),
];

export const groupNorm: NativeKernel<GroupNormAttrs> = ([x, ...ps], attrs, [o]) => {
  const { weight, bias } = affineInputs(ps, attrs);
  return [forward(x!, o!, { mode: MODE.layer, ...channels(x!), groups: attrs.numGroups, eps: resolveEps('group_norm', attrs.eps, 1e-5), weight, bias })];
};

export const instanceNorm: NativeKernel<InstanceNormAttrs> = ([x, ...ps], attrs, [o]) => {
  const { weight, bias } = affineInputs(ps, attrs);
  const l = channels(x!);
  return [forward(x!, o!, { mode: MODE.layer, ...l, groups: l.c, eps: resolveEps('instance_norm', attrs.eps, 1e-5), weight, bias })];
};

export const batchNorm: NativeKernel<BatchNormAttrs> = ([x, ...rest], attrs, [o]) => {
  const stats = attrs.runningStats ? 2 : 0;
  const { weight, bias } = affineInputs(rest.slice(stats), attrs);
  const eps = resolveEps('batch_norm', attrs.eps, 1e-5);
  const mode = attrs.training ? MODE.batchTrain : MODE.batchEval;
  return [forward(x!, o!, { mode, ...channels(x!), groups: 1, eps, weight, bias, mean: attrs.training ? undefined : rest[0], variance: attrs.training ? undefined : rest[1] })];
};

/** dX, then dWeight/dBias as asked, of a trailing-dims norm (outputs zero-filled for empty x). */
function backward(rms: boolean, x: NativeArg, dOut: NativeArg, w: NativeArg | undefined, wantW: boolean, wantB: boolean, len: number, eps: number, outs: readonly TensorMeta[]): Float32Array[] {
  const res = outs.map((m) => alloc(m) as Float32Array);
  const dx = res[0]!, dW = wantW ? res[1]! : NONE, dB = wantB ? res[wantW ? 2 : 1]! : NONE;
  if (dx.length === 0) return res;
  addon().normBackward(rms ? 1 : 0, f32(x), f32(dOut), f32(w), dx, dW, dB, dx.length / len, len, eps);
  return res;
}

export const layerNormBackward: NativeKernel<LayerNormAttrs> = ([x, dOut, ...ps], attrs, outs) => {
  const { weight, bias } = affineInputs(ps, attrs);
  return backward(false, x!, dOut!, weight, !!weight, !!bias, sizeOf(attrs.normalizedShape), resolveEps('layer_norm_backward', attrs.eps, 1e-5), outs);
};

export const rmsNormBackward: NativeKernel<RmsNormAttrs> = ([x, dOut, w], attrs, outs) =>
  backward(true, x!, dOut!, w, !!w, false, sizeOf(attrs.normalizedShape), rmsEps(attrs.eps, x!.dtype), outs);
