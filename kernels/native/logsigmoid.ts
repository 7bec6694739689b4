import { unaryKernel } from './util.js';

// out[i] = logsigmoid(x[i]) (native/src/unary.cc).
export const logsigmoid = unaryKernel('logsigmoid');
