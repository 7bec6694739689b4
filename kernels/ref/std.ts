import type { VarAttrs } from '../../engine/ops/reduce/util.js';
import type { RefKernel } from './types.js';
import { varianceOf } from './var.js';

export const std: RefKernel<VarAttrs> = ([x], attrs, [o]) => [varianceOf('std', x!, attrs, o!, Math.sqrt)];
