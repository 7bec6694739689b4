import type { TensorMeta } from '../../engine/backend.js';
import { allocArray, type TypedArray } from '../../engine/dtype.js';
import type { LayerNormAttrs } from '../../engine/ops/nn/layer_norm.js';
import { affineInputs, resolveEps } from '../../engine/ops/nn/norm-util.js';
import { sizeOf } from '../../engine/shape.js';
import type { RefArg, RefKernel } from './types.js';

/**
 * The backward pass of a trailing-dims norm, x and dOut viewed as (rows, len), in float64. Per row,
 * with g = dOut * w and the statistics recomputed (two passes, as the forward kernel):
 *   layer: m = mean(x), rstd = 1 / sqrt(mean((x - m)^2) + eps), xhat = (x - m) * rstd
 *          dX = rstd * (g - mean(g) - xhat * mean(g * xhat))
 *   rms:   rstd = 1 / sqrt(mean(x^2) + eps), xhat = x * rstd
 *          dX = rstd * (g - xhat * mean(g * xhat))
 * and over all rows dW[j] = sum(dOut * xhat), dB[j] = sum(dOut). Shared with rms_norm_backward.
 */
export function normBackward(x: RefArg, dOut: RefArg, w: RefArg | undefined, wantW: boolean, wantB: boolean, len: number, eps: number, rms: boolean, outs: readonly TensorMeta[]): TypedArray[] {
  const n = x.data.length, rows = len ? n / len : 0;
  const dX = allocArray(outs[0]!.dtype, n);
  const dW = new Float64Array(wantW ? len : 0), dB = new Float64Array(wantB ? len : 0);
  const xhat = new Float64Array(len), g = new Float64Array(len);
  for (let r = 0; r < rows; r++) {
    const at = r * len;
    let m = 0;
    if (!rms) {
      for (let j = 0; j < len; j++) m += x.data[at + j]!;
      m /= len;
    }
    let ss = 0;
    for (let j = 0; j < len; j++) ss += (x.data[at + j]! - m) ** 2;
    const rstd = 1 / Math.sqrt(ss / len + eps);
    let sg = 0, sgx = 0;
    for (let j = 0; j < len; j++) {
      xhat[j] = (x.data[at + j]! - m) * rstd;
      g[j] = dOut.data[at + j]! * (w ? w.data[j]! : 1);
      sg += g[j]!;
      sgx += g[j]! * xhat[j]!;
    }
    const mg = rms ? 0 : sg / len, mgx = sgx / len;
    // NOTE: a one-element rms row is pure cancellation, g - xhat * (g * xhat) = g * (1 - xhat^2), even
    // in float64; 1 - xhat^2 = eps * rstd^2 exactly, so that form is used (infinite g or x give NaN either way).
    const one = rms && len === 1 && Number.isFinite(g[0]) && Number.isFinite(xhat[0]);
    for (let j = 0; j < len; j++) {
      dX[at + j] = one ? rstd * (g[j]! * (eps * rstd * rstd)) : rstd * (g[j]! - mg - xhat[j]! * mgx);
      if (wantW) dW[j] = dW[j]! + dOut.data[at + j]! * xhat[j]!;
      if (wantB) dB[j] = dB[j]! + dOut.data[at + j]!;
    }
  }
  const store = (o: TensorMeta, v: Float64Array) => {
    const out = allocArray(o.dtype, v.length);
    out.set(v);
    return out;
  };
  let k = 1;
  return [dX, ...(wantW ? [store(outs[k++]!, dW)] : []), ...(wantB ? [store(outs[k++]!, dB)] : [])];
}

export const layerNormBackward: RefKernel<LayerNormAttrs> = ([x, dOut, ...params], attrs, outs) => {
  const { weight, bias } = affineInputs(params, attrs);
  const eps = resolveEps('layer_norm_backward', attrs.eps, 1e-5);
  return normBackward(x!, dOut!, weight, !!weight, !!bias, sizeOf(attrs.normalizedShape), eps, false, outs);
};
