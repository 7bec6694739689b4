import { normalizeAxes } from '../../engine/shape.js';
import { reductionSize, resolveCorrection, varianceDivisor, type VarAttrs } from '../../engine/ops/reduce/util.js';
import type { RefArg, RefKernel } from './types.js';
import type { TensorMeta } from '../../engine/backend.js';
import type { TypedArray } from '../../engine/dtype.js';
import { reduceWith } from './util.js';

/** Two-pass variance: mean first, then sum((x - mean)^2) / max(0, N - correction). */
export function varianceOf(op: string, x: RefArg, attrs: VarAttrs, o: TensorMeta, finish: (v: number) => number): TypedArray {
  const axes = normalizeAxes(op, 'axes', attrs.axes, x.shape);
  const d = varianceDivisor(reductionSize(x.shape, axes), resolveCorrection(op, attrs));
  return reduceWith(x, axes, o, (v) => {
    let s = 0;
    for (let i = 0; i < v.length; i++) s += v[i]!;
    const m = s / v.length;
    let ss = 0;
    for (let i = 0; i < v.length; i++) ss += (v[i]! - m) * (v[i]! - m);
    return finish(ss / d);
  });
}

export const variance: RefKernel<VarAttrs> = ([x], attrs, [o]) => [varianceOf('var', x!, attrs, o!, (v) => v)];
