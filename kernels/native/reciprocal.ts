import { unaryKernel } from './util.js';

// out[i] = reciprocal(x[i]) (native/src/unary.cc).
export const reciprocal = unaryKernel('reciprocal');
