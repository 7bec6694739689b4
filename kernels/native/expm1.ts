import { unaryKernel } from './util.js';

// out[i] = expm1(x[i]) (native/src/unary.cc).
export const expm1 = unaryKernel('expm1');
