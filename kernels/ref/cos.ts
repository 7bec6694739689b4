import { mapUnary } from './util.js';

export const cos = mapUnary(Math.cos);
