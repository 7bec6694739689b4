import { unaryKernel } from './util.js';

// out[i] = abs(x[i]) (native/src/unary.cc).
export const abs = unaryKernel('abs');
