import { unaryKernel } from './util.js';

// out[i] = hardsigmoid(x[i]) (native/src/unary.cc).
export const hardsigmoid = unaryKernel('hardsigmoid');
