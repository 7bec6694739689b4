import { binaryKernel } from './util.js';

// out[i] = min(a, b), NaN propagates with broadcasting (native/src/binary.cc).
export const minimum = binaryKernel('minimum');
