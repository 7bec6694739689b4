import { mapUnary } from './util.js';

// NOTE: -0 -> 0 (as torch); NaN stays NaN.
export const sign = mapUnary((x) => (x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : x));
