import { mapUnary } from './util.js';

export const exp = mapUnary(Math.exp);
