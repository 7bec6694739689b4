import fc from 'fast-check';
import { unaryCases } from '../../arb.js';
import type { TensorMeta } from '../../backend.js';
import { fIn } from '../../check.js';
import { apply1 } from '../../dispatch.js';
import { defineOp } from '../../op.js';
import type { Tensor } from '../../tensor.js';
import { add } from '../binary/add.js';
import { div } from '../binary/div.js';
import { mul } from '../binary/mul.js';
import { sub } from '../binary/sub.js';
import { where } from '../binary/where.js';
import { lt } from '../compare/lt.js';
import { elementwiseCost } from '../infer.js';
import { abs } from './abs.js';
import { exp } from './exp.js';
import { sigmoid } from './sigmoid.js';
import { square } from './square.js';
import { attrError, floatUnaryAttrInfer, geluApproximate } from './util.js';

// Paper: Hendrycks & Gimpel 2016, "Gaussian Error Linear Units (GELUs)".
export interface GeluAttrs {
  /** 'none' (default): x·Φ(x) with the exact normal CDF; 'tanh': the tanh approximation. */
  approximate?: 'none' | 'tanh';
}

const INV_SQRT_2PI = 0.3989422804014327; // φ(0) = 1/√(2π)
const SQRT_2_OVER_PI = 0.7978845608028654; // √(2/π)
const TANH_K = 0.044715;
/** Below this |x|, Φ(x) comes from its Taylor series instead of y/x. */
const TAYLOR_MAX = 1e-3;

/**
 * gelu'(x) = Φ(x) + x·φ(x), φ(x) = e^{-x²/2}/√(2π).
 * NOTE: there is no erf op, so Φ is recovered from the output: Φ(x) = y/x (accurate to a few ulps
 * since the kernel computes y with relative accuracy), and near 0, where y/x is 0/0, from
 * Φ(x) = 1/2 + φ(0)·(x - x³/6) + O(x⁵) (error < 1e-17 for |x| < 1e-3). Both branches are
 * differentiable, so second derivatives work; the denominator is made safe so the unused
 * branch never divides by zero (0/0 would become NaN in the second derivative).
 */
function exactGrad(x: Tensor, y: Tensor): Tensor {
  const small = lt(abs(x), TAYLOR_MAX);
  const taylor = add(mul(mul(x, sub(1, mul(square(x), 1 / 6))), INV_SQRT_2PI), 0.5);
  const cdf = where(small, taylor, div(y, where(small, 1, x)));
  const pdf = mul(exp(mul(square(x), -0.5)), INV_SQRT_2PI);
  return add(cdf, mul(x, pdf));
}

/**
 * tanh form: y = x/2·(1 + tanh(u)) = x·σ(2u), u = √(2/π)(x + 0.044715x³);
 * y' = s + 2x·s(1 - s)·u', s = σ(2u), u' = √(2/π)(1 + 3·0.044715x²).
 */
function tanhGrad(x: Tensor): Tensor {
  const x2 = square(x);
  const s = sigmoid(mul(add(x, mul(mul(x, x2), TANH_K)), 2 * SQRT_2_OVER_PI));
  const du = add(mul(x2, 3 * TANH_K * 2 * SQRT_2_OVER_PI), 2 * SQRT_2_OVER_PI);
  return add(s, mul(mul(x, mul(s, sub(1, s))), du));
}

function validate(a: GeluAttrs, x: TensorMeta): void {
  const m = geluApproximate(a);
  if (m !== 'none' && m !== 'tanh') throw attrError('gelu', `approximate '${String(m)}'`, x, "must be 'none' or 'tanh'");
}

export const geluOp = defineOp({
  name: 'gelu',
  family: 'unary',
  doc: "x·Φ(x) = x/2·(1 + erf(x/√2)); approximate 'tanh': x/2·(1 + tanh(√(2/π)(x + 0.044715x³)))",
  infer: floatUnaryAttrInfer('gelu', validate),
  // d/dx = Φ(x) + x·φ(x) (exact form); the tanh form's derivative is in tanhGrad
  vjp: ({ inputs: [x], outputs: [y], dOut, attrs }) => [mul(dOut, geluApproximate(attrs) === 'tanh' ? tanhGrad(x!) : exactGrad(x!, y!))],
  check: {
    cases: unaryCases<GeluAttrs>(fc.constantFrom<GeluAttrs>({}, { approximate: 'none' }, { approximate: 'tanh' })),
    inputs: [fIn({ low: -5, high: 5 })],
    secondOrder: true,
  },
  cost: elementwiseCost(20),
});

export const gelu = (x: Tensor, attrs: GeluAttrs = {}): Tensor => apply1(geluOp, [x], attrs);
