import { unaryKernel } from './util.js';

// out[i] = selu(x[i]) (native/src/unary.cc).
export const selu = unaryKernel('selu');
