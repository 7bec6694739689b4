import { unaryKernel } from './util.js';

// out[i] = sign(x[i]) (native/src/unary.cc).
export const sign = unaryKernel('sign');
