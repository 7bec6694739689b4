import type { ReduceAttrs } from '../../engine/ops/reduce/util.js';
import { attrAxes, reduceKernel } from './util.js';

// Reduction over the attribute's axes, accumulated in double (native/src/reduce.cc).
export const sum = reduceKernel<ReduceAttrs>('sum', attrAxes('sum'));
