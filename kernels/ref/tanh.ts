import { mapUnary } from './util.js';

export const tanh = mapUnary(Math.tanh);
