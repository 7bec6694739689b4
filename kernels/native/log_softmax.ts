import { softmaxKernel } from './softmax.js';

// (x - max) - log Σ e^{x - max} along the axis, fused (native/src/softmax.cc).
export const logSoftmax = softmaxKernel('log_softmax', 1);
