import { unaryKernel } from './util.js';

// out[i] = hardswish(x[i]) (native/src/unary.cc).
export const hardswish = unaryKernel('hardswish');
