import { unaryKernel } from './util.js';

// out[i] = mish(x[i]) (native/src/unary.cc).
export const mish = unaryKernel('mish');
