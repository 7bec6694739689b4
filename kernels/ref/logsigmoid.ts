// STUB: replace with the real kernel.
import type { RefKernel } from './types.js';

export const logsigmoid: RefKernel<unknown> = () => {
  throw new Error('logsigmoid: ref kernel not implemented');
};
