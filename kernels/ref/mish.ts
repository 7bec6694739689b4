import { softplus } from './math.js';
import { mapUnary } from './util.js';

export const mish = mapUnary((x) => x * Math.tanh(softplus(x)));
