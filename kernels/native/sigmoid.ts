import { unaryKernel } from './util.js';

// out[i] = sigmoid(x[i]) (native/src/unary.cc).
export const sigmoid = unaryKernel('sigmoid');
