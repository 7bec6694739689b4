import type { VarAttrs } from '../../engine/ops/reduce/util.js';
import { attrAxes, reduceKernel } from './util.js';
import { varianceParam } from './var.js';

// sqrt of var (native/src/reduce.cc).
export const std = reduceKernel<VarAttrs>('std', attrAxes('std'), varianceParam('std'));
