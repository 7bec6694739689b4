import { mapUnary } from './util.js';

export const log = mapUnary(Math.log);
