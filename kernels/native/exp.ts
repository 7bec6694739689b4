import { unaryKernel } from './util.js';

// out[i] = exp(x[i]) (native/src/unary.cc).
export const exp = unaryKernel('exp');
