import type { CastAttrs } from '../../engine/ops/linalg/cast.js';
import { addon } from './addon.js';
import type { NativeKernel } from './types.js';
import { alloc } from './util.js';

// out = x converted: float -> int32 truncates (ToInt32), -> bool is x != 0 (native/src/cast.cc).
export const cast: NativeKernel<CastAttrs> = ([x], _attrs, [o]) => {
  const out = alloc(o!);
  addon().cast(x!.data, out);
  return [out];
};
