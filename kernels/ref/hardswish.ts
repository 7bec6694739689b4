import { mapUnary } from './util.js';

export const hardswish = mapUnary((x) => (x <= -3 ? 0 : x >= 3 ? x : (x * (x + 3)) / 6));
