import type { RefKernel } from './types.js';
import { copyAs } from './util.js';

export const squeeze: RefKernel<unknown> = ([x], _attrs, [o]) => [copyAs(x!, o!)];
