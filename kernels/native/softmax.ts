import type { TensorMeta } from '../../engine/backend.js';
import { softmaxAxes, type SoftmaxAttrs } from '../../engine/ops/nn/util.js';
import { sizeOf } from '../../engine/shape.js';
import { addon } from './addon.js';
import type { NativeArg, NativeKernel } from './types.js';
import { alloc } from './util.js';

/** Fused, stable softmax (log = 0) or log_softmax (log = 1) along the attribute's axis (native/src/softmax.cc). */
export function softmaxKernel(op: string, log: number): NativeKernel<SoftmaxAttrs> {
  return ([x]: readonly NativeArg[], attrs: SoftmaxAttrs, [o]: readonly TensorMeta[]) => {
    const out = alloc(o!) as Float32Array;
    if (out.length === 0) return [out];
    const s = x!.shape;
    const axes = softmaxAxes(op, attrs, s);
    const axis = axes.length ? axes[0]! : 0;
    const len = s.length ? s[axis]! : 1;
    addon().softmax(log, x!.data as Float32Array, out, sizeOf(s.slice(0, axis)), len, sizeOf(s.slice(axis + 1)));
    return [out];
  };
}

export const softmax = softmaxKernel('softmax', 0);
