import { convertArray } from '../../engine/dtype.js';
import type { CastAttrs } from '../../engine/ops/linalg/cast.js';
import type { RefKernel } from './types.js';

export const cast: RefKernel<CastAttrs> = ([x], attrs) => [convertArray(x!.data, attrs.dtype)];
