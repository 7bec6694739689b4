import { unaryKernel } from './util.js';

// out[i] = square(x[i]) (native/src/unary.cc).
export const square = unaryKernel('square');
