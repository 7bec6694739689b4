import { unaryKernel } from './util.js';

// out[i] = neg(x[i]) (native/src/unary.cc).
export const neg = unaryKernel('neg');
