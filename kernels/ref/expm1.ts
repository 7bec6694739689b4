import { mapUnary } from './util.js';

export const expm1 = mapUnary(Math.expm1);
