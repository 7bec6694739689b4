import type { ClampAttrs } from '../../engine/ops/binary/clamp.js';
import { unaryKernel } from './util.js';

// out = min(max(x, min), max), absent bounds as ∓inf (native/src/unary.cc; int32 computes as JS does).
export const clamp = unaryKernel<ClampAttrs>('clamp', (a) => [a.min ?? -Infinity, a.max ?? Infinity]);
