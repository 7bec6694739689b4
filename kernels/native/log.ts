import { unaryKernel } from './util.js';

// out[i] = log(x[i]) (native/src/unary.cc).
export const log = unaryKernel('log');
