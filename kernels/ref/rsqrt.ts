import { mapUnary } from './util.js';

export const rsqrt = mapUnary((x) => 1 / Math.sqrt(x));
