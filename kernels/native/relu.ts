import { unaryKernel } from './util.js';

// out[i] = relu(x[i]) (native/src/unary.cc).
export const relu = unaryKernel('relu');
