import { mapUnary } from './util.js';

export const reciprocal = mapUnary((x) => 1 / x);
