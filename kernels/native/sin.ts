import { unaryKernel } from './util.js';

// out[i] = sin(x[i]) (native/src/unary.cc).
export const sin = unaryKernel('sin');
