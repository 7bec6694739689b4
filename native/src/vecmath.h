// Float32 transcendental functions written branch-free (selects, bit casts, polynomials) so the
// compiler vectorizes loops over them: 8 lanes in the AVX2+FMA variant, 4 (SSE2) in the generic one.
// Special values follow C/JS: NaN propagates, exp(-inf) = 0, log(0) = -inf, log(<0) = NaN.
//
// Measured maximum error against float64 libm (suites/native.test.ts "vector math" re-measures it
// through the addon; max over a dense sweep of the ranges shown, both ISA variants; 1 ulp = the
// float32 spacing at the float64 result):
//   exp      [-104, 89]           1.0 ulp    (Cephes expf polynomial, Cody-Waite reduction)
//   expm1    [-20, 20]            1.8 ulp    (Taylor degree 10 for |x| < 0.7, else exp(x) - 1)
//   log      (0, inf) incl. denormals  0.8 ulp (Cephes logf polynomial)
//   log1p    (-1, 1e6]            1.5 ulp    (log(u) - ((u - 1) - x)/u, u = 1 + x)
//   tanh     [-20, 20]            1.3 ulp    (Cephes odd polynomial for |x| < 0.625, else 1 - 2/(e^{2|x|} + 1))
//   sigmoid  [-100, 40]           2.3 ulp    (e/(1+e) or 1/(1+e), e = exp(-|x|): no overflow, tiny tails exact)
//   normcdf  [-14, 14]            3.8 ulp    (erfc by Numerical Recipes' Chebyshev fit, 2.2 ulp by itself;
//                                             e^{-x²/2} with x² split so the large exponent is exact)
// The exact figures the test measured are in native/README.md.
#pragma once
#include <cstdint>
#include <cstring>

namespace zoo::vm {

ZOO_INLINE float from_bits(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}
ZOO_INLINE uint32_t to_bits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}

constexpr float kInf = __builtin_inff();

/** e^x: n = round(x/ln2), r = x - n·ln2 (two-constant Cody-Waite), e^r = 1 + r + r²·P5(r), times 2^n in two halves (so denormal results round once). */
ZOO_INLINE float exp(float x) {
  x = x < -104.f ? -104.f : x;  // NaN passes both selects
  x = x > 89.f ? 89.f : x;
  const float magic = 12582912.f;  // 1.5·2^23: t's low mantissa bits hold round(x/ln2)
  const float t = x * 1.44269504088896341f + magic;
  const float n = t - magic;
  const int32_t ni = static_cast<int32_t>(to_bits(t) - to_bits(magic));
  float r = x - n * 0.693359375f;
  r = r - n * -2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * (r * r) + r + 1.f;
  const int32_t n1 = ni >> 1, n2 = ni - n1;  // n in [-150, 128]: both halves are normal powers of 2
  const float s1 = from_bits(static_cast<uint32_t>(n1 + 127) << 23);
  const float s2 = from_bits(static_cast<uint32_t>(n2 + 127) << 23);
  return (p * s1) * s2;
}

/** ln x: x = m·2^e with m in [√½, √2), ln m by the Cephes degree-9 polynomial in (m - 1). */
ZOO_INLINE float log(float x) {
  const bool tiny = x < 1.17549435e-38f;  // denormal (or <= 0): scale by 2^23 first
  const float xs = tiny ? x * 8388608.f : x;
  const uint32_t u = to_bits(xs);
  float e = static_cast<float>(static_cast<int32_t>((u >> 23) & 0xffu) - 126) - (tiny ? 23.f : 0.f);
  float m = from_bits((u & 0x007fffffu) | 0x3f000000u);  // [0.5, 1)
  const bool lo = m < 0.707106781186547524f;
  e = lo ? e - 1.f : e;
  m = lo ? m + m - 1.f : m - 1.f;
  const float z = m * m;
  float y = 7.0376836292e-2f;
  y = y * m - 1.1514610310e-1f;
  y = y * m + 1.1676998740e-1f;
  y = y * m - 1.2420140846e-1f;
  y = y * m + 1.4249322787e-1f;
  y = y * m - 1.6668057665e-1f;
  y = y * m + 2.0000714765e-1f;
  y = y * m - 2.4999993993e-1f;
  y = y * m + 3.3333331174e-1f;
  y = y * m * z;
  y = y + e * -2.12194440e-4f;
  y = y - 0.5f * z;
  float res = m + y;
  res = res + e * 0.693359375f;
  const bool finitePos = x > 0.f && x < kInf;
  const float special = x == 0.f ? -kInf : (x == kInf ? kInf : __builtin_nanf(""));
  return finitePos ? res : special;
}

/** ln(1 + x) = ln u - ((u - 1) - x)/u with u = fl(1 + x): the correction restores the bits lost in u. */
ZOO_INLINE float log1p(float x) {
  const float u = 1.f + x;
  const float lu = zoo::vm::log(u);
  const float corrected = lu - ((u - 1.f) - x) / u;
  const bool usable = u > 0.f && u < kInf;
  const float res = usable ? corrected : lu;
  return u == 1.f ? x : res;
}

/** e^x - 1: Taylor series to degree 10 for |x| < 0.7 (no cancellation), else exp(x) - 1. */
ZOO_INLINE float expm1(float x) {
  float p = 2.75573192e-7f;  // 1/10!
  p = p * x + 2.75573192e-6f;
  p = p * x + 2.48015873e-5f;
  p = p * x + 1.98412698e-4f;
  p = p * x + 1.38888889e-3f;
  p = p * x + 8.33333333e-3f;
  p = p * x + 4.16666667e-2f;
  p = p * x + 1.66666667e-1f;
  p = p * x + 0.5f;
  p = p * (x * x) + x;
  const float big = zoo::vm::exp(x) - 1.f;
  return (x > -0.7f && x < 0.7f) ? p : big;
}

/** tanh x: Cephes odd polynomial for |x| < 0.625, else sign(x)·(1 - 2/(e^{2|x|} + 1)). */
ZOO_INLINE float tanh(float x) {
  const float a = x < 0.f ? -x : x;
  const float z = x * x;
  float p = -5.70498872745e-3f;
  p = p * z + 2.06390887954e-2f;
  p = p * z - 5.37397155531e-2f;
  p = p * z + 1.33314422036e-1f;
  p = p * z - 3.33332819422e-1f;
  const float small = p * z * x + x;
  const float big = 1.f - 2.f / (zoo::vm::exp(a + a) + 1.f);
  const float signedBig = x < 0.f ? -big : big;
  return a < 0.625f ? small : signedBig;
}

/** 1/(1 + e^{-x}) as 1/(1+e) (x >= 0) or e/(1+e) (x < 0) with e = e^{-|x|}: no overflow, exact tails. */
ZOO_INLINE float sigmoid(float x) {
  const float a = x < 0.f ? -x : x;
  const float e = zoo::vm::exp(-a);
  const float d = 1.f + e;
  return x < 0.f ? e / d : 1.f / d;
}

/** ln(1 + e^x) = max(x, 0) + log1p(e^{-|x|}). */
ZOO_INLINE float softplus(float x) {
  const float a = x < 0.f ? -x : x;
  const float m = x > 0.f ? x : 0.f;
  const float l = zoo::vm::log1p(zoo::vm::exp(-a));
  return x != x ? x : m + l;
}

/**
 * Standard normal CDF Φ(x) = erfc(-x/√2)/2. The tail q = Φ(-|x|) uses Numerical Recipes' erfc
 * (t·e^{-z² + P(t)}, t = 1/(1 + z/2), relative error < 1.2e-7), evaluated in double lanes, with
 * e^{-z²} = e^{-hi²/2}·e^{-lo(x+hi)/2} (hi = x with 12 significant bits, so hi² is exact and the
 * large exponent carries no rounding) and e^A = e^{fl(A)}·(1 + (A - fl(A))).
 */
ZOO_INLINE float normcdf(float x) {
  const float a = x < 0.f ? -x : x;
  const double t = 1.0 / (1.0 + 0.5 * (a * 0.707106781186547524));
  double p = 0.17087277;
  p = p * t - 0.82215223;
  p = p * t + 1.48851587;
  p = p * t - 1.13520398;
  p = p * t + 0.27886807;
  p = p * t - 0.18628806;
  p = p * t + 0.09678418;
  p = p * t + 0.37409196;
  p = p * t + 1.00002368;
  p = p * t - 1.26551223;
  const float hi = from_bits(to_bits(a) & 0xfffff000u);
  const float lo = a - hi;
  const double A = p - 0.5 * static_cast<double>(lo) * (static_cast<double>(a) + hi);
  const float Af = static_cast<float>(A);
  const double e2 = static_cast<double>(zoo::vm::exp(Af)) * (1.0 + (A - Af));
  const float e1 = zoo::vm::exp(-0.5f * (hi * hi));
  double q = 0.5 * t * e1 * e2;
  q = a > 30.f ? 0.0 : q;  // also keeps ±inf from producing inf - inf
  const double res = x < 0.f ? q : 1.0 - q;
  return x != x ? x : static_cast<float>(res);
}

}  // namespace zoo::vm
