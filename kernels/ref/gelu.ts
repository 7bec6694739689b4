import type { GeluAttrs } from '../../engine/ops/unary/gelu.js';
import { geluApproximate } from '../../engine/ops/unary/util.js';
import { erfc, sigmoid } from './math.js';
import { mapUnary } from './util.js';

const SQRT1_2 = Math.SQRT1_2;
const SQRT_2_OVER_PI = 0.7978845608028654; // √(2/π)

// Exact: x·Φ(x) with Φ(x) = erfc(-x/√2)/2, which keeps full relative accuracy in the left tail
// (1 + erf(x/√2) would cancel). tanh form: x/2·(1 + tanh(u)) = x·σ(2u), also without cancellation.
const exact = (x: number) => 0.5 * x * erfc(-x * SQRT1_2);
const tanhForm = (x: number) => x * sigmoid(2 * SQRT_2_OVER_PI * (x + 0.044715 * x * x * x));

export const gelu = mapUnary<GeluAttrs>((x, a) => (geluApproximate(a) === 'tanh' ? tanhForm(x) : exact(x)));
