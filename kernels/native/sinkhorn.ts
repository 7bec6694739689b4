import type { TensorMeta } from '../../engine/backend.js';
import { matrixPlan, sinkhornIters, type SinkhornAttrs } from '../../engine/ops/nn/sinkhorn-util.js';
import { addon } from './addon.js';
import type { NativeArg, NativeKernel } from './types.js';
import { alloc } from './util.js';

/** Sinkhorn-Knopp per (n, n) matrix, in double inside (native/src/sinkhorn.cc). */
export const sinkhorn: NativeKernel<SinkhornAttrs> = ([x]: readonly NativeArg[], attrs: SinkhornAttrs, [o]: readonly TensorMeta[]) => {
  const out = alloc(o!) as Float32Array;
  const { count, n } = matrixPlan(x!.shape);
  if (count > 0) addon().sinkhorn(x!.data as Float32Array, out, count, n, sinkhornIters('sinkhorn', attrs));
  return [out];
};

/** The fused reverse pass: recomputes the rounds and walks them back (native/src/sinkhorn.cc). */
export const sinkhornBackward: NativeKernel<SinkhornAttrs> = ([x, dOut]: readonly NativeArg[], attrs: SinkhornAttrs, [o]: readonly TensorMeta[]) => {
  const out = alloc(o!) as Float32Array;
  const { count, n } = matrixPlan(x!.shape);
  if (count > 0) addon().sinkhornBackward(x!.data as Float32Array, dOut!.data as Float32Array, out, count, n, sinkhornIters('sinkhorn_backward', attrs));
  return [out];
};
