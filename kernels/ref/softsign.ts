import { mapUnary } from './util.js';

export const softsign = mapUnary((x) => x / (1 + Math.abs(x)));
