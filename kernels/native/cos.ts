import { unaryKernel } from './util.js';

// out[i] = cos(x[i]) (native/src/unary.cc).
export const cos = unaryKernel('cos');
