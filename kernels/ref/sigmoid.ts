import { sigmoid as sigmoidOf } from './math.js';
import { mapUnary } from './util.js';

export const sigmoid = mapUnary(sigmoidOf);
