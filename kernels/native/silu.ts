import { unaryKernel } from './util.js';

// out[i] = silu(x[i]) (native/src/unary.cc).
export const silu = unaryKernel('silu');
