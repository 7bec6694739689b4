import type { ArgAttrs } from '../../engine/ops/reduce/util.js';
import type { RefKernel } from './types.js';
import { argIndex } from './argmax.js';

export const argmin: RefKernel<ArgAttrs> = ([x], attrs, [o]) => [argIndex('argmin', x!, attrs, o!, (a, b) => a < b)];
