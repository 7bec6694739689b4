import { mapUnary } from './util.js';

// Math.max propagates NaN, as torch's relu does.
export const relu = mapUnary((x) => Math.max(x, 0));
