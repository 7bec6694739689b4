import { argAxes, type ArgAttrs } from '../../engine/ops/reduce/util.js';
import { reduceKernel } from './util.js';

// Row-major index over the reduced axes of the first extreme value; the first NaN wins (native/src/reduce.cc).
export const argmax = reduceKernel<ArgAttrs>('argmax', (attrs, shape) => argAxes('argmax', attrs, shape));
