import { unaryKernel } from './util.js';

// out[i] = sqrt(x[i]) (native/src/unary.cc).
export const sqrt = unaryKernel('sqrt');
