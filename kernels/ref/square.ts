import type { RefKernel } from './types.js';
import { mapUnary } from './util.js';

const float = mapUnary((v) => v * v);
// NOTE: int32 wraps on overflow like torch; Math.imul keeps the product exact mod 2^32.
const int = mapUnary((v) => Math.imul(v, v));

export const square: RefKernel<unknown> = (inputs, attrs, outs) => (inputs[0]!.dtype === 'int32' ? int : float)(inputs, attrs, outs);
