import { binaryKernel } from './util.js';

// out[i] = C pow(a, b) with broadcasting (native/src/binary.cc).
export const pow = binaryKernel('pow');
