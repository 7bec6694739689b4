import { unaryKernel } from './util.js';

// out[i] = log1p(x[i]) (native/src/unary.cc).
export const log1p = unaryKernel('log1p');
