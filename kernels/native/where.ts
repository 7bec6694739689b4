import { broadcastStrides } from '../../engine/shape.js';
import { addon } from './addon.js';
import type { NativeKernel } from './types.js';
import { alloc, asDType, atLeast1, i32 } from './util.js';

// out[i] = cond[i'] ? a[i''] : b[i'''] with broadcasting (native/src/where.cc); a and b are
// converted to the output dtype first when they differ (promotion).
export const where: NativeKernel<unknown> = ([c, a, b], _attrs, [o]) => {
  const out = alloc(o!);
  if (out.length === 0) return [out];
  const strides = (s: readonly number[]) => i32(o!.shape.length ? broadcastStrides(s, o!.shape) : [0]);
  addon().where(c!.data, asDType(a!, o!.dtype), asDType(b!, o!.dtype), out, i32(atLeast1(o!.shape)), strides(c!.shape), strides(a!.shape), strides(b!.shape));
  return [out];
};
