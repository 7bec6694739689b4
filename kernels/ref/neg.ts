import { mapUnary } from './util.js';

export const neg = mapUnary((x) => -x);
