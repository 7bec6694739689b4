import { mapUnary } from './util.js';

export const abs = mapUnary(Math.abs);
