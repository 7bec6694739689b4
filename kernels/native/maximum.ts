import { binaryKernel } from './util.js';

// out[i] = max(a, b), NaN propagates with broadcasting (native/src/binary.cc).
export const maximum = binaryKernel('maximum');
