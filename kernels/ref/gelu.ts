import type { GeluAttrs } from '../../engine/ops/unary/gelu.js';
import { geluApproximate } from '../../engine/ops/unary/util.js';
import { normalCdf, sigmoid } from './math.js';
import { mapUnary } from './util.js';

const SQRT_2_OVER_PI = 0.7978845608028654; // √(2/π)

// Exact: x·Φ(x), Φ accurate to a few ulps also in the left tail (1 + erf(x/√2) would cancel there).
// tanh form: x/2·(1 + tanh(u)) = x·σ(2u), the same function written without that cancellation.
const exact = (x: number) => x * normalCdf(x);
const tanhForm = (x: number) => x * sigmoid(2 * SQRT_2_OVER_PI * (x + 0.044715 * x * x * x));

export const gelu = mapUnary<GeluAttrs>((x, a) => (geluApproximate(a) === 'tanh' ? tanhForm(x) : exact(x)));
