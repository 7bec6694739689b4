// Shared WGSL math, spliced in at {{MATH}} (elementwise.wgsl, random.wgsl). WGSL's builtins are
// accurate enough for exp, log and sqrt, but its sin/cos are only specified on [-π, π] and its tanh
// overflows, so these are written out so they neither overflow nor cancel (kernels.md §6.10).

const SELU_ALPHA: f32 = 1.6732632423543772848170429916717;
const SELU_SCALE: f32 = 1.0507009873554804934193349852946;
const SQRT_2_OVER_PI: f32 = 0.7978845608028654;
const INV_SQRT_2: f32 = 0.7071067811865476;

fn is_nan(x: f32) -> bool {
  return !(x == x);
}

fn fin(t: f32) -> bool {
  return abs(t) <= 3.4028234663852886e38;
}

// Neumaier's compensated sum (Kahan's loses the compensation when a term is much larger than the
// running sum): acc.x is the sum, acc.y the compensation, the result acc.x + acc.y. Once the sum
// overflows the compensation stops (inf - inf would turn it into NaN).
fn nsum(acc: vec2<f32>, v: f32) -> vec2<f32> {
  let t = acc.x + v;
  let e = select((v - t) + acc.x, (acc.x - t) + v, abs(acc.x) >= abs(v));
  return vec2<f32>(t, acc.y + select(0.0, e, fin(t)));
}

// exp with about 1 ulp of error (Cephes expf: x = k·ln2 + r, ln2 in two pieces, a degree-6
// polynomial for e^r, then 2^k). The builtin is left the overflow/underflow ends.
// NOTE: SwiftShader's exp is off by up to 4 ulps and gives +inf for NaN.
fn zexp(x: f32) -> f32 {
  if (is_nan(x)) {
    return x;
  }
  if (x > 88.7228 || x < -87.33) {
    return exp(x);
  }
  let k = round(x * 1.4426950408889634);
  let r = (x - k * 0.693359375) - k * -2.12194440e-4;
  let z = r * r;
  let p = ((((1.9875691500e-4 * r + 1.3981999507e-3) * r + 8.3334519073e-3) * r + 4.1665795894e-2) * r + 1.6666665459e-1) * r + 5.0000001201e-1;
  return ldexp(p * z + r + 1.0, i32(k));
}

// log with about 1 ulp of error (Cephes logf: x = m·2^e with m in [√½, √2), a polynomial for
// log(m)). NOTE: SwiftShader's log only promises 2^-21 absolute error near 1 (hundreds of ulps).
fn zlog(x: f32) -> f32 {
  if (!(x > 0.0) || !fin(x)) {
    // +inf and NaN stay as they are, ±0 gives -inf, negatives NaN (not left to the builtin).
    if (x == 0.0) {
      return -1.0 / abs(x);
    }
    return select(x, (x - x) / (x - x), x < 0.0);
  }
  let fr = frexp(x);
  var e = fr.exp;
  var m = fr.fract;
  if (m < 0.70710678118654752) {
    e = e - 1;
    m = m + m - 1.0;
  } else {
    m = m - 1.0;
  }
  let z = m * m;
  var y = ((((((((7.0376836292e-2 * m - 1.1514610310e-1) * m + 1.1676998740e-1) * m - 1.2420140846e-1) * m + 1.4249322787e-1) * m - 1.6668057665e-1) * m + 2.0000714765e-1) * m - 2.4999993993e-1) * m + 3.3333331174e-1) * m * z;
  let fe = f32(e);
  y = y + -2.12194440e-4 * fe;
  y = y + -0.5 * z;
  return (m + y) + 0.693359375 * fe;
}

// e^x - 1: Taylor series below |x| = 0.5 (relative error < 1e-8), exp(x) - 1 above.
fn zexpm1(x: f32) -> f32 {
  if (abs(x) < 0.5) {
    return x * (1.0 + x / 2.0 * (1.0 + x / 3.0 * (1.0 + x / 4.0 * (1.0 + x / 5.0 * (1.0 + x / 6.0 * (1.0 + x / 7.0 * (1.0 + x / 8.0)))))));
  }
  return zexp(x) - 1.0;
}

// log(1 + x): for |x| < 0.4 the series 2·atanh(s) = 2(s + s³/3 + s⁵/5 + ...), s = x / (2 + x),
// |s| < 0.25; zlog(1 + x) beyond. NOTE: not Goldberg's log(u)·x/(u - 1) trick: SwiftShader's JIT
// folds (1 + x) - 1 back into x, which silently removes the correction.
fn zlog1p(x: f32) -> f32 {
  if (abs(x) < 0.4) {
    let s = x / (2.0 + x);
    let z = s * s;
    let p = 1.0 + z * (1.0 / 3.0 + z * (1.0 / 5.0 + z * (1.0 / 7.0 + z * (1.0 / 9.0 + z * (1.0 / 11.0 + z * (1.0 / 13.0 + z * (1.0 / 15.0)))))));
    return 2.0 * s * p;
  }
  return zlog(1.0 + x);
}

// 1/sqrt(x) to about 0.5 ulp: y = 1/sqrt(x) rounds twice (up to ~1.5 ulp), so one Newton step
// y + y·(1 - x·y²)/2 with x·y² formed exactly from two error-free products.
fn zrsqrt(x: f32) -> f32 {
  let y = 1.0 / sqrt(x);
  if (!(x > 0.0) || !fin(x) || !fin(y)) {
    return y;
  }
  let p1 = y * y;
  let e1 = two_prod_err(y, y, p1);
  let p2 = x * p1;
  let e2 = two_prod_err(x, p1, p2);
  let r = (1.0 - p2) - (e2 + x * e1);
  return y + y * (0.5 * r);
}

// tanh(|x|) = -expm1(-2|x|) / (2 + expm1(-2|x|)): no overflow, no cancellation near 0.
fn ztanh(x: f32) -> f32 {
  let t = zexpm1(-2.0 * abs(x));
  let r = -t / (2.0 + t);
  return select(r, -r, x < 0.0);
}

fn zsigmoid(x: f32) -> f32 {
  if (x >= 0.0) {
    return 1.0 / (1.0 + zexp(-x));
  }
  let e = zexp(x);
  return e / (1.0 + e);
}

// log(1 + e^x) = max(x, 0) + log1p(e^-|x|).
fn zsoftplus(x: f32) -> f32 {
  return max(x, 0.0) + zlog1p(zexp(-abs(x)));
}

// erfc(z) with fractional error below 1.2e-7 everywhere (Numerical Recipes' Chebyshev fit), so
// x·Φ(x) keeps its relative accuracy in the left tail where 1 + erf(x/√2) would cancel.
fn zerfc(z: f32) -> f32 {
  let t = 1.0 / (1.0 + 0.5 * abs(z));
  let p = -1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  let r = t * zexp(-z * z + p);
  return select(2.0 - r, r, z >= 0.0);
}

fn zphi(x: f32) -> f32 {
  return 0.5 * zerfc(-x * INV_SQRT_2);
}

// Dekker's error-free product: a·b = p + two_prod_err(a, b, p) exactly, without FMA (WGSL's fma
// may be unfused). NOTE: the additive counterpart (TwoSum) is useless here: SwiftShader's JIT
// reassociates additions and folds its error term to 0 (products it leaves alone).
fn split(a: f32) -> vec2<f32> {
  let c = 4097.0 * a;
  let hi = c - (c - a);
  return vec2<f32>(hi, a - hi);
}

fn two_prod_err(a: f32, b: f32, p: f32) -> f32 {
  let sa = split(a);
  let sb = split(b);
  return ((sa.x * sb.x - p) + sa.x * sb.y + sa.y * sb.x) + sa.y * sb.y;
}

// C pow (what torch uses): pow(1, y) = 1, pow(x, 0) = 1, negative bases need integer exponents.
// |x|^y = exp(t), t = y·log|x| with the rounding error of the product carried separately
// (e^t = e^th·(1 + tl)); exponents ±1, ±2 multiply directly. NOTE: log|x|'s own error (< 1 ulp)
// still scales with |t|, so for |t| near 88 the result is off by a few tens of ulps.
fn zpow(a: f32, b: f32) -> f32 {
  if (a == 1.0 || b == 0.0) {
    return 1.0;
  }
  if (is_nan(a) || is_nan(b)) {
    return a + b;
  }
  let m = abs(a);
  let integer = floor(b) == b;
  if (m == 0.0) {
    return select(select(1.0 / m, 0.0, b > 0.0), 1.0, b == 0.0);
  }
  var r: f32;
  if (b == 1.0 || b == 2.0) {
    r = select(m * m, m, b == 1.0);
  } else if (b == -1.0 || b == -2.0) {
    r = 1.0 / select(m * m, m, b == -1.0);
  } else if (!fin(m) || !fin(b)) {
    r = zexp(b * zlog(m));
  } else {
    let L = zlog(m);
    let th = b * L;
    let tl = two_prod_err(b, L, th);
    r = zexp(th);
    if (fin(r) && fin(tl)) {
      r = r + r * tl;
    }
  }
  if (a > 0.0) {
    return r;
  }
  if (!integer) {
    return (a - a) / (a - a);
  }
  let odd = abs(b) < 16777216.0 && (i32(abs(b)) & 1) == 1;
  return select(r, -r, odd);
}

// Integer power with int32 wrap-around; negative exponents truncate 1/a^|b| toward zero.
fn ipow(a: i32, b: i32) -> i32 {
  if (b < 0) {
    if (a == 1) {
      return 1;
    }
    if (a == -1) {
      return select(1, -1, (b & 1) == 1);
    }
    return 0;
  }
  var r = 1;
  var base = a;
  var e = b;
  loop {
    if (e == 0) {
      break;
    }
    if ((e & 1) == 1) {
      r = r * base;
    }
    base = base * base;
    e = e >> 1u;
  }
  return r;
}

// sin and cos: x = k·π/2 + r with π/2 split into six 7-bit pieces, so k·piece is exact for
// |k| < 2^17 (|x| up to about 2·10^5) and r keeps about 1e-7 absolute accuracy; then Cephes'
// minimax polynomials on [-π/4, π/4] and the quadrant k mod 4.
const PIO2_1: f32 = 1.578125;
const PIO2_2: f32 = -0.00732421875;
const PIO2_3: f32 = -4.470348358154297e-06;
const PIO2_4: f32 = 1.5832483768463135e-08;
const PIO2_5: f32 = 6.093614501878619e-11;
const PIO2_6: f32 = -1.652011860642233e-13;

fn reduce_pio2(x: f32) -> vec2<f32> {
  let k = round(x * 0.6366197723675814);
  var r = x - k * PIO2_1;
  r = r - k * PIO2_2;
  r = r - k * PIO2_3;
  r = r - k * PIO2_4;
  r = r - k * PIO2_5;
  r = r - k * PIO2_6;
  return vec2<f32>(r, k);
}

fn sin_poly(r: f32) -> f32 {
  let z = r * r;
  return ((-1.9515295891e-4 * z + 8.3321608736e-3) * z - 1.6666654611e-1) * z * r + r;
}

fn cos_poly(r: f32) -> f32 {
  let z = r * r;
  return ((2.443315711809948e-5 * z - 1.388731625493765e-3) * z + 4.166664568298827e-2) * z * z - 0.5 * z + 1.0;
}

// sin/cos of r + q·π/2 for a reduced r and the quadrant q.
fn sin_q(r: f32, q: i32) -> f32 {
  let v = select(sin_poly(r), cos_poly(r), (q & 1) == 1);
  return select(v, -v, (q & 3) >= 2);
}

fn cos_q(r: f32, q: i32) -> f32 {
  let v = select(cos_poly(r), sin_poly(r), (q & 1) == 1);
  return select(v, -v, (q & 3) == 1 || (q & 3) == 2);
}

fn zsin(x: f32) -> f32 {
  let rk = reduce_pio2(x);
  return sin_q(rk.x, i32(rk.y));
}

fn zcos(x: f32) -> f32 {
  let rk = reduce_pio2(x);
  return cos_q(rk.x, i32(rk.y));
}

// sin(2πv) and cos(2πv) for v measured in turns: the quadrant split v = q/4 + f is exact, so only
// 2π·f (|f| <= 1/8) rounds. Box-Muller's angle keeps float32 accuracy this way (2π·u rounded
// would be off by up to ulp(2π) absolute).
fn sin2pi(v: f32) -> f32 {
  let q = round(4.0 * v);
  return sin_q(6.283185307179586 * (v - 0.25 * q), i32(q));
}

fn cos2pi(v: f32) -> f32 {
  let q = round(4.0 * v);
  return cos_q(6.283185307179586 * (v - 0.25 * q), i32(q));
}
