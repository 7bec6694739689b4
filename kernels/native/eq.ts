import { binaryKernel } from './util.js';

// out[i] = a == b with broadcasting (native/src/binary.cc).
export const eq = binaryKernel('eq');
