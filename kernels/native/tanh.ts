import { unaryKernel } from './util.js';

// out[i] = tanh(x[i]) (native/src/unary.cc).
export const tanh = unaryKernel('tanh');
