import { mapUnary } from './util.js';

export const hardsigmoid = mapUnary((x) => (x <= -3 ? 0 : x >= 3 ? 1 : x / 6 + 0.5));
