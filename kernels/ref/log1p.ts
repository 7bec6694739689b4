import { mapUnary } from './util.js';

export const log1p = mapUnary(Math.log1p);
