import { mapUnary } from './util.js';

export const sin = mapUnary(Math.sin);
