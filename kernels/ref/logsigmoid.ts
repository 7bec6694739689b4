import { softplus } from './math.js';
import { mapUnary } from './util.js';

// log σ(x) = -softplus(-x)
export const logsigmoid = mapUnary((x) => -softplus(-x));
