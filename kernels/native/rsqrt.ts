import { unaryKernel } from './util.js';

// out[i] = rsqrt(x[i]) (native/src/unary.cc).
export const rsqrt = unaryKernel('rsqrt');
