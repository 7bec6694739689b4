import { sigmoid } from './math.js';
import { mapUnary } from './util.js';

export const silu = mapUnary((x) => x * sigmoid(x));
