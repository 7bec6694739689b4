import type { ClampAttrs } from '../../engine/ops/binary/clamp.js';
import { mapUnary } from './util.js';

// min(max(x, lo), hi): with lo > hi every element becomes hi; NaN in x (or a NaN bound) propagates.
export const clamp = mapUnary<ClampAttrs>((x, { min = -Infinity, max = Infinity }) => Math.min(Math.max(x, min), max));
