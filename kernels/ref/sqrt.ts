import { mapUnary } from './util.js';

export const sqrt = mapUnary(Math.sqrt);
