import { unaryKernel } from './util.js';

// out[i] = softsign(x[i]) (native/src/unary.cc).
export const softsign = unaryKernel('softsign');
