import { binaryKernel } from './util.js';

// out[i] = a / b with broadcasting (native/src/binary.cc).
export const div = binaryKernel('div');
