// Unary family: forward values derived by hand or from identities (comments give the arithmetic),
// the gradient conventions PyTorch users rely on at kinks, gelu against high-precision values,
// stability at ±50 and ±1e4, int32 support, float32 rounding and typed errors.
import { describe, expect, test } from 'vitest';
import {
  DTypeError, ValueError, abs, celu, cos, elu, exp, expm1, gelu, gradients, hardsigmoid, hardswish, hardtanh, leakyRelu, log, log1p,
  logsigmoid, mish, neg, onesLike, reciprocal, relu, rsqrt, selu, sigmoid, sign, silu, sin, softplus, softsign, sqrt, square, tanh,
  tensor, type Tensor,
} from '../../engine/index.js';
import { erf, erfc, normalCdf } from '../../kernels/ref/math.js';
import { expectError } from '../harness/expect.js';

type Fn = (x: Tensor) => Tensor;
const f64 = (v: number[]) => tensor(v, { dtype: 'float64' });
const vals = (t: Tensor) => Array.from(t.dataSync());

/** Values, first and second derivatives of an elementwise f at xs (float64, through the graph). */
function derivs(f: Fn, xs: number[]): { y: number[]; d1: number[]; d2: number[] } {
  const x = f64(xs).requireGrad();
  const y = f(x);
  const [g] = gradients([y], [onesLike(y)], [x], { createGraph: true });
  const h = g!.requiresGrad ? gradients([g!], [onesLike(g!)], [x])[0] : null;
  return { y: vals(y), d1: vals(g!), d2: h ? vals(h) : xs.map(() => 0) };
}

/** |got - want| <= rel·|want| elementwise (exact for rel = 0). */
function expectClose(got: number[], want: number[], rel = 1e-15): void {
  expect(got).toHaveLength(want.length);
  got.forEach((g, i) => {
    const w = want[i]!;
    if (Number.isNaN(w)) expect(g, `[${i}]`).toBeNaN();
    else if (!Number.isFinite(w) || rel === 0) expect(g, `[${i}]`).toBe(w);
    else expect(Math.abs(g - w), `[${i}]: got ${g}, want ${w}`).toBeLessThanOrEqual(rel * Math.abs(w));
  });
}

const LN2 = Math.LN2, LN3 = Math.log(3);
const SELU_ALPHA = 1.6732632423543772, SELU_SCALE = 1.0507009873554805;
const PHI0 = 0.3989422804014327; // φ(0) = 1/√(2π)

describe('forward values', () => {
  const cases: [string, Fn, number[], number[]][] = [
    // |x|; sign; sign(-0) = 0
    ['abs', abs, [-2.5, 0, 3], [2.5, 0, 3]],
    ['sign', sign, [-2.5, -0, 0, 3], [-1, 0, 0, 1]],
    // ln e = 1, ln 1 = 0, ln 0 = -inf, ln(-1) = NaN
    ['log', log, [Math.E, 1, 0, -1], [1, 0, -Infinity, NaN]],
    // log1p keeps tiny x exactly (ln(1 + 1e-20) = 1e-20 - 5e-41); ln(1 + (e - 1)) = 1
    ['log1p', log1p, [1e-20, Math.E - 1, -1], [1e-20, 1, -Infinity]],
    ['expm1', expm1, [1e-20, LN2, 0], [1e-20, 1, 0]],
    ['sqrt', sqrt, [4, 2.25, 0, -1], [2, 1.5, 0, NaN]],
    ['rsqrt', rsqrt, [4, 0.25, 0], [0.5, 2, Infinity]],
    ['reciprocal', reciprocal, [-4, 0.5, 0, -0], [-0.25, 2, Infinity, -Infinity]],
    ['square', square, [-3, 1.5], [9, 2.25]],
    // sin(π/6) = 1/2, cos(π/3) = 1/2 (to rounding of π)
    ['sin', sin, [Math.PI / 6, 0], [0.5, 0]],
    ['cos', cos, [Math.PI / 3, 0], [0.5, 1]],
    // tanh(ln 2) = (2 - 1/2)/(2 + 1/2) = 3/5
    ['tanh', tanh, [LN2, 0], [0.6, 0]],
    // σ(ln 3) = 1/(1 + 1/3) = 3/4
    ['sigmoid', sigmoid, [LN3, 0, -LN3], [0.75, 0.5, 0.25]],
    ['relu', relu, [-2, 0, 3], [0, 0, 3]],
    ['leaky_relu', leakyRelu, [-2, 3], [-0.02, 3]],
    ['leaky_relu slope 0.2', (x) => leakyRelu(x, { negativeSlope: 0.2 }), [-2, 3], [-0.4, 3]],
    // elu(-ln 2) = e^{-ln 2} - 1 = -1/2; alpha 1.5: -3/4
    ['elu', elu, [-LN2, 2], [-0.5, 2]],
    ['elu alpha 1.5', (x) => elu(x, { alpha: 1.5 }), [-LN2, 2], [-0.75, 2]],
    // selu(1) = scale; selu(-ln 2) = scale·alpha·(1/2 - 1)
    ['selu', selu, [1, -LN2], [SELU_SCALE, -0.5 * SELU_SCALE * SELU_ALPHA]],
    // celu alpha 2 at x = -2 ln 2: 2·(e^{-ln 2} - 1) = -1
    ['celu alpha 2', (x) => celu(x, { alpha: 2 }), [-2 * LN2, 1.5], [-1, 1.5]],
    // negative alpha: max(0,x) + min(0, α(e^{x/α} - 1)); α = -1, x = -ln 2: -(2 - 1) = -1; x > 0: x
    ['celu alpha -1', (x) => celu(x, { alpha: -1 }), [-LN2, 0.5], [-1, 0.5]],
    // silu(ln 3) = ln 3 · 3/4
    ['silu', silu, [LN3, 0], [0.75 * LN3, 0]],
    // mish(ln 3) = ln 3 · tanh(ln 4) = ln 3 · (4 - 1/4)/(4 + 1/4) = ln 3 · 15/17
    ['mish', mish, [LN3, 0], [(LN3 * 15) / 17, 0]],
    // softplus(ln 3) = ln 4; softplus(0) = ln 2; above the threshold (25 > 20) exactly x
    ['softplus', softplus, [LN3, 0, 25], [2 * LN2, LN2, 25]],
    // beta 2, threshold 15: x = 8 has 2x = 16 > 15 -> 8; x = ln 3/2: ln(1 + 3)/2 = ln 2
    ['softplus beta 2', (x) => softplus(x, { beta: 2, threshold: 15 }), [8, LN3 / 2], [8, LN2]],
    ['softsign', softsign, [1, -3, 0], [0.5, -0.75, 0]],
    ['hardtanh', hardtanh, [-2, -0.5, 0.3, 2], [-1, -0.5, 0.3, 1]],
    ['hardtanh ±0.5', (x) => hardtanh(x, { minVal: -0.5, maxVal: 0.5 }), [-2, -0.5, 0.3, 2], [-0.5, -0.5, 0.3, 0.5]],
    // relu6(x + 3)/6: x/6 + 1/2 between -3 and 3
    ['hardsigmoid', hardsigmoid, [-4, -3, 0, 1.5, 3, 4], [0, 0, 0.5, 0.75, 1, 1]],
    // x(x + 3)/6: -1.5·1.5/6 = -0.375, 1.5·4.5/6 = 1.125
    ['hardswish', hardswish, [-4, -3, -1.5, 0, 1.5, 3, 4], [0, 0, -0.375, 0, 1.125, 3, 4]],
    // log σ(0) = -ln 2; log σ(ln 3) = ln(3/4)
    ['logsigmoid', logsigmoid, [0, LN3], [-LN2, Math.log(0.75)]],
  ];
  test.each(cases)('%s', (_name, f, xs, want) => expectClose(vals(f(f64(xs))), want, 4e-16));

  test('NaN propagates (relu, leaky_relu, hardtanh, hardsigmoid, hardswish, softplus, sign)', () => {
    for (const f of [relu, leakyRelu, hardtanh, hardsigmoid, hardswish, softplus, sign, gelu, elu] as Fn[]) {
      expect(vals(f(f64([NaN])))[0]).toBeNaN();
    }
  });
});

describe('gradients follow PyTorch at the kinks', () => {
  test('relu, abs and sign have gradient 0 at 0; sign is 0 everywhere', () => {
    expect(derivs(relu, [-1, 0, 2]).d1).toEqual([0, 0, 1]);
    expect(derivs(abs, [-1, 0, 2]).d1).toEqual([-1, 0, 1]);
    expect(derivs(sign, [-1, 0, 2]).d1).toEqual([0, 0, 0]);
  });

  test('leaky_relu, elu, celu and selu take the negative branch at 0', () => {
    expect(derivs((x) => leakyRelu(x, { negativeSlope: 0.2 }), [-1, 0, 2]).d1).toEqual([0.2, 0.2, 1]);
    // elu'(0) = alpha·e^0; celu'(0) = e^{0/alpha} = 1; selu'(0) = scale·alpha
    expectClose(derivs((x) => elu(x, { alpha: 1.5 }), [0, -LN2]).d1, [1.5, 0.75]);
    expectClose(derivs((x) => celu(x, { alpha: 2 }), [0, -2 * LN2]).d1, [1, 0.5]);
    expectClose(derivs(selu, [0, 1]).d1, [SELU_SCALE * SELU_ALPHA, SELU_SCALE]);
  });

  test('hardtanh and hardsigmoid pass no gradient at their bounds', () => {
    expect(derivs((x) => hardtanh(x, { minVal: -0.5, maxVal: 0.5 }), [-0.5, 0, 0.5, 1]).d1).toEqual([0, 1, 0, 0]);
    expect(derivs(hardsigmoid, [-3, 0, 3]).d1).toEqual([0, 1 / 6, 0]);
  });

  test("hardswish's one-sided choices: -1/2 at x = -3, 3/2 at x = 3", () => {
    // x < -3: 0; -3 <= x <= 3: x/3 + 1/2; x > 3: 1
    expectClose(derivs(hardswish, [-4, -3, 0, 3, 4]).d1, [0, -0.5, 0.5, 1.5, 1]);
  });

  test('softplus is linear (gradient 1) above the threshold and σ(βx) below', () => {
    // β = 2: x = 8 -> 16 > 15 -> 1; x = ln 3/2 -> σ(ln 3) = 3/4
    expectClose(derivs((x) => softplus(x, { beta: 2, threshold: 15 }), [8, LN3 / 2]).d1, [1, 0.75]);
  });

  test('second derivatives by identity: tanh, sigmoid, log, sqrt, exp', () => {
    // tanh'' = -2y(1 - y²) at y = 3/5: -2·0.6·0.64; σ'' = σ(1-σ)(1-2σ) at σ = 3/4: 3/16·(-1/2)
    expectClose(derivs(tanh, [LN2]).d2, [-2 * 0.6 * 0.64], 1e-15);
    expectClose(derivs(sigmoid, [LN3]).d2, [-3 / 32], 1e-15);
    // ln'' = -1/x², √'' = -x^{-3/2}/4 at 4: -1/32
    expectClose(derivs(log, [2]).d2, [-0.25]);
    expectClose(derivs(sqrt, [4]).d2, [-1 / 32]);
    expectClose(derivs(exp, [LN2]).d2, [2]);
  });
});

describe('erf, erfc and Φ of the ref kernels (gelu uses them)', () => {
  // mpmath at 30 digits; the series/continued-fraction switch points (0.5, 1.5) are included.
  test('erf within 1e-15 relative', () => {
    const xs = [1e-10, 0.1, 0.5, 1, 1.4999, 1.5, 2, 3, -0.7, 5.9, 7];
    const want = [1.1283791670955126e-10, 0.1124629160182849, 0.5204998778130465, 0.8427007929497149, 0.9660932516622953, 0.9661051464753108,
      0.9953222650189527, 0.9999779095030014, -0.6778011938374185, 0.9999999999999999, 1];
    expectClose(xs.map(erf), want, 1e-15);
    expect(erf(NaN)).toBeNaN();
    expect([erf(Infinity), erf(-Infinity)]).toEqual([1, -1]);
  });

  test('erfc keeps full relative accuracy where it is tiny', () => {
    const xs = [-1, 0.25, 0.5, 1, 2, 3, 5, 10, 26, 30];
    const want = [1.8427007929497148, 0.7236736098317631, 0.4795001221869535, 0.15729920705028513, 0.004677734981047266, 2.209049699858544e-5,
      1.5374597944280349e-12, 2.088487583762545e-45, 5.663192408856143e-296, 0];
    expectClose(xs.map(erfc), want, 1e-15);
    expect([erfc(Infinity), erfc(-Infinity)]).toEqual([0, 2]);
  });

  test('Φ in the left tail', () => {
    const xs = [-3, -8, -20, 0.3, 2, -40];
    const want = [0.0013498980316300946, 6.220960574271784e-16, 2.7536241186062337e-89, 0.6179114221889526, 0.9772498680518208, 0];
    expectClose(xs.map(normalCdf), want, 1e-15);
  });
});

describe('gelu', () => {
  // Reference values from mpmath at 30 digits: gelu(x) = x·Φ(x), gelu' = Φ + xφ, gelu'' = φ·(2 - x²).
  test('exact form matches the normal CDF to a few ulps, tails included', () => {
    const xs = [1, -1, 1.5, -5, -10, -30];
    const want = [0.8413447460685429, -0.15865525393145705, 1.399789198096713, -1.4332578593959696e-6, -7.619853024160526e-23, -1.4720141781444561e-196];
    expectClose(vals(gelu(f64(xs))), want, 2e-15);
    // Where 1 + erf(x/√2) would cancel (x = -5), the naive formula loses ~7 digits; gelu keeps them.
  });

  test('first and second derivatives, including the Taylor branch near 0', () => {
    const d = derivs(gelu, [1, -2, 1e-3, 5e-4, 0]);
    expectClose(d.y.slice(0, 3), [0.8413447460685429, -0.04550026389635841, 5.003989422139111e-4], 2e-15);
    expectClose(d.d1, [1.0833154705876864, -0.0852318010781969, 0.5007978842948414, 0.5003989422471562, 0.5], 2e-15);
    // gelu''(0) = 2φ(0)
    expectClose(d.d2, [0.24197072451914337, -0.1079819330263761, 0.7978837629186037, 0.7978843613317439, 2 * PHI0], 1e-12);
  });

  test("approximate 'tanh'", () => {
    const d = derivs((x) => gelu(x, { approximate: 'tanh' }), [1, -2]);
    // x/2·(1 + tanh(√(2/π)(x + 0.044715x³))), mpmath
    expectClose(d.y, [0.8411919906082768, -0.04540230591222498], 2e-15);
    expectClose(d.d1.slice(0, 1), [1.0829640838457826], 2e-15);
    expectClose(d.d2.slice(0, 1), [0.24214819798377295], 1e-13);
  });
});

describe('stable at ±50 and ±1e4', () => {
  const E50 = 1.9287498479639178e-22; // e^{-50}
  const xs = [-1e4, -50, 50, 1e4];
  const cases: [string, Fn, number[]][] = [
    // σ(-50) = e^{-50}/(1 + e^{-50}) = e^{-50} to double precision
    ['sigmoid', sigmoid, [0, E50, 1, 1]],
    ['tanh', tanh, [-1, -1, 1, 1]],
    // log(1 + e^{-50}) = e^{-50}; above the threshold softplus is x
    ['softplus', softplus, [0, E50, 50, 1e4]],
    // -softplus(-x): x - e^{-x} for x < 0, -e^{-x} for x > 0
    ['logsigmoid', logsigmoid, [-1e4, -50, -E50, -0]],
    // Φ(-50) underflows (1e-545): -50·0 = -0
    ['gelu', gelu, [-0, -0, 50, 1e4]],
    ['gelu tanh', (x) => gelu(x, { approximate: 'tanh' }), [-0, -0, 50, 1e4]],
  ];
  test.each(cases)('%s', (_name, f, want) => {
    const d = derivs(f, xs);
    expectClose(d.y, want, 1e-15);
    for (const v of [...d.d1, ...d.d2]) expect(Number.isFinite(v)).toBe(true);
  });

  test('softplus with an infinite threshold never overflows', () => {
    expectClose(vals(softplus(f64([1e4, -1e4, 800]), { threshold: Infinity })), [1e4, 0, 800]);
  });
});

describe('dtypes', () => {
  const i32 = (v: number[]) => tensor(v, { dtype: 'int32' });
  test('neg, abs, sign, square and relu keep int32 (and wrap like torch)', () => {
    const x = i32([-3, 0, 5]);
    for (const f of [neg, abs, sign, square, relu]) expect(f(x).dtype).toBe('int32');
    expect(vals(abs(x))).toEqual([3, 0, 5]);
    expect(vals(sign(x))).toEqual([-1, 0, 1]);
    expect(vals(square(x))).toEqual([9, 0, 25]);
    expect(vals(relu(x))).toEqual([0, 0, 5]);
    // |-2^31| and 50000² overflow int32: -2^31 and 2.5e9 - 2^32
    expect(vals(abs(i32([-(2 ** 31)])))).toEqual([-(2 ** 31)]);
    expect(vals(square(i32([50000])))).toEqual([2500000000 - 2 ** 32]);
  });

  test('the other unary ops need a float input', () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'int32' });
    for (const [name, f] of [['log', log], ['sigmoid', sigmoid], ['gelu', gelu], ['softplus', softplus], ['hardtanh', hardtanh]] as [string, Fn][]) {
      expectError(() => f(x), DTypeError, `${name}:`, 'x (2,3)', 'int32');
    }
    expectError(() => abs(tensor([true, false])), DTypeError, 'abs:', 'x (2)', 'bool');
  });

  test('float32 in, float32 out, equal to the float64 result rounded to float32', () => {
    const xs = Array.from({ length: 41 }, (_, i) => Math.fround(-5 + i * 0.25 + 0.01));
    const pos = xs.map((v) => Math.fround(Math.abs(v) + 0.1));
    const ops: [Fn, number[]][] = [
      [abs, xs], [sign, xs], [log, pos], [log1p, pos], [expm1, xs], [sqrt, pos], [rsqrt, pos], [reciprocal, xs], [square, xs],
      [sin, xs], [cos, xs], [tanh, xs], [sigmoid, xs], [relu, xs], [leakyRelu, xs], [elu, xs], [selu, xs], [celu, xs], [gelu, xs],
      [(x) => gelu(x, { approximate: 'tanh' }), xs], [silu, xs], [mish, xs], [softplus, xs], [softsign, xs], [hardtanh, xs],
      [hardsigmoid, xs], [hardswish, xs], [logsigmoid, xs],
    ];
    for (const [f, v] of ops) {
      const y32 = f(tensor(v, { dtype: 'float32' }));
      expect(y32.dtype).toBe('float32');
      const y64 = vals(f(f64(v)));
      vals(y32).forEach((g, i) => {
        expect(g).toBe(Math.fround(y64[i]!));
        expect(Math.abs(g - y64[i]!)).toBeLessThanOrEqual(2 ** -24 * Math.abs(y64[i]!));
      });
    }
  });
});

describe('typed errors name the op, the argument and the shape', () => {
  const x = tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'float64' });
  test('bad attribute values are ValueErrors', () => {
    expectError(() => celu(x, { alpha: 0 }), ValueError, 'celu:', 'alpha 0', 'x (2,3)', 'nonzero');
    expectError(() => hardtanh(x, { minVal: 2, maxVal: 1 }), ValueError, 'hardtanh:', 'minVal 2', 'maxVal 1', 'x (2,3)');
    expectError(() => hardtanh(x, { minVal: 2 }), ValueError, 'hardtanh:', 'minVal 2', 'maxVal 1');
    expectError(() => gelu(x, { approximate: 'erf' as never }), ValueError, 'gelu:', "approximate 'erf'", 'x (2,3)', "'none' or 'tanh'");
    expectError(() => softplus(x, { beta: 0 }), ValueError, 'softplus:', 'beta 0', 'x (2,3)');
    expectError(() => softplus(x, { threshold: NaN }), ValueError, 'softplus:', 'threshold NaN');
    expectError(() => leakyRelu(x, { negativeSlope: NaN }), ValueError, 'leaky_relu:', 'negativeSlope NaN', 'x (2,3)');
    expectError(() => elu(x, { alpha: Infinity }), ValueError, 'elu:', 'alpha Infinity', 'finite');
  });

  test('hardtanh allows minVal == maxVal (a constant)', () => {
    expect(vals(hardtanh(f64([-1, 0, 2]), { minVal: 0.5, maxVal: 0.5 }))).toEqual([0.5, 0.5, 0.5]);
  });
});
