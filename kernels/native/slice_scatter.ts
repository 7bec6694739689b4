import { resolveSlice, type SliceAttrs } from '../../engine/ops/movement/util.js';
import { stridesOf } from '../../engine/shape.js';
import type { NativeKernel } from './types.js';
import { asDType, copyKernel, copyTables, denseTables } from './util.js';

// out = x, then out[start + j·step] = src[j]: src copied densely into the strided region.
export const sliceScatter: NativeKernel<SliceAttrs> = (inputs, attrs, outs) => {
  const [x, src] = inputs;
  const out = copyKernel([x!], attrs, outs)[0]!;
  const st = stridesOf(x!.shape);
  const plan = resolveSlice('slice_scatter', x!.shape, attrs);
  const offset = plan.reduce((acc, p, k) => acc + p.start * st[k]!, 0);
  copyTables(asDType(src!, outs[0]!.dtype), out, src!.shape, denseTables(src!.shape), plan.map((p, k) => p.step * st[k]!), offset);
  return [out];
};
