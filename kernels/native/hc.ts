import type { TensorMeta } from '../../engine/backend.js';
import { hcStreams } from '../../engine/ops/nn/hc-util.js';
import { addon } from './addon.js';
import type { NativeArg, NativeKernel } from './types.js';
import { alloc } from './util.js';

type NoAttrs = Record<string, never>;
const f32 = (a: NativeArg): Float32Array => a.data as Float32Array;

/** u = Σ_j h_j x_j per token (native/src/hc.cc). */
export const hcPre: NativeKernel<NoAttrs> = ([h, x]: readonly NativeArg[], _attrs: NoAttrs, [o]: readonly TensorMeta[]) => {
  const out = alloc(o!) as Float32Array;
  const { tokens, n, C } = hcStreams('hc_pre', x!);
  if (out.length > 0) addon().hcPre(f32(h!), f32(x!), out, tokens, n, C);
  return [out];
};

/** out_i = Σ_j hres_ij x_j + hpost_i y per token (native/src/hc.cc). */
export const hcPostRes: NativeKernel<NoAttrs> = ([hres, x, hpost, y]: readonly NativeArg[], _attrs: NoAttrs, [o]: readonly TensorMeta[]) => {
  const out = alloc(o!) as Float32Array;
  const { tokens, n, C } = hcStreams('hc_post_res', x!);
  if (out.length > 0) addon().hcPostRes(f32(hres!), f32(x!), f32(hpost!), f32(y!), out, tokens, n, C);
  return [out];
};

/** [dh, dx] of hc_pre per token in one pass over x and dOut (native/src/hc.cc). */
export const hcPreBackward: NativeKernel<NoAttrs> = ([h, x, dOut]: readonly NativeArg[], _attrs: NoAttrs, outs: readonly TensorMeta[]) => {
  const [dh, dx] = outs.map((m) => alloc(m) as Float32Array) as [Float32Array, Float32Array];
  const { tokens, n, C } = hcStreams('hc_pre_backward', x!);
  if (tokens > 0) addon().hcPreBackward(f32(h!), f32(x!), f32(dOut!), dh, dx, tokens, n, C);
  return [dh, dx];
};

/** [dhres, dx, dhpost, dy] of hc_post_res per token in one pass over x and dOut (native/src/hc.cc). */
export const hcPostResBackward: NativeKernel<NoAttrs> = ([hres, x, hpost, y, dOut]: readonly NativeArg[], _attrs: NoAttrs, outs: readonly TensorMeta[]) => {
  const [dhres, dx, dhpost, dy] = outs.map((m) => alloc(m) as Float32Array) as [Float32Array, Float32Array, Float32Array, Float32Array];
  const { tokens, n, C } = hcStreams('hc_post_res_backward', x!);
  if (tokens > 0) addon().hcPostResBackward(f32(hres!), f32(x!), f32(hpost!), f32(y!), f32(dOut!), dhres, dx, dhpost, dy, tokens, n, C);
  return [dhres, dx, dhpost, dy];
};
