// Float32 transcendental functions on 8-lane vectors (GCC vector extensions: one ymm register in
// the AVX2+FMA variant, two xmm registers in the generic one), branch-free: selects, bit casts and
// polynomials. Special values follow C/JS: NaN propagates, exp(-inf) = 0, log(0) = -inf, log(<0) = NaN.
//
// Maximum error against float64 libm, measured over a dense sweep of each range in both ISA
// variants (suites/native.test.ts "vector math" re-measures it through the addon; 1 ulp = the
// float32 spacing at the float64 result):
//   exp      [-104, 89]                  1.0 ulp  (Cephes expf polynomial, Cody-Waite reduction)
//   expm1    [-20, 20]                   1.8 ulp  (Taylor degree 10 for |x| < 0.7, else exp(x) - 1)
//   log      (0, inf) incl. denormals    0.8 ulp  (Cephes logf polynomial)
//   log1p    (-1, 1e6]                   1.5 ulp  (log(u) - ((u - 1) - x)/u, u = 1 + x)
//   tanh     [-20, 20]                   1.3 ulp  (Cephes odd polynomial for |x| < 0.625, else 1 - 2/(e^{2|x|} + 1))
//   sigmoid  [-100, 40]                  2.3 ulp  (e/(1+e) or 1/(1+e), e = exp(-|x|): no overflow, exact tails)
//   softplus [-80, 80]                   1.9 ulp
//   normcdf  [-14, 14]                   3.8 ulp  (Numerical Recipes' erfc fit, 2.2 ulp by itself, in double lanes)
//   gelu_tanh [-13, 13]                  1.8 ulp  (argument and sigmoid in double lanes)
// NOTE: written with explicit vectors because GCC's auto-vectorizer gives up on some compositions
// of these functions (e.g. log1p(exp(x))); explicit vectors vectorize every op the same way.
#pragma once
#include <cstdint>
#include <cstring>

#include "zoo.h"

namespace zoo::vm {

typedef float V __attribute__((vector_size(32)));
typedef int32_t VI __attribute__((vector_size(32)));
typedef uint32_t VU __attribute__((vector_size(32)));
typedef double VD __attribute__((vector_size(32)));
typedef float V4 __attribute__((vector_size(16)));
constexpr int kLanes = 8;
constexpr float kInf = __builtin_inff();

ZOO_INLINE V splat(float f) { return V{} + f; }
ZOO_INLINE V sel(VI m, V a, V b) { return m ? a : b; }
ZOO_INLINE V vabs(V x) { return (V)((VU)x & 0x7fffffffu); }
ZOO_INLINE V loadv(const float* p) {
  V v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
ZOO_INLINE void storev(float* p, V v) { std::memcpy(p, &v, sizeof v); }

/** e^x: n = round(x/ln2), r = x - n·ln2 (two-constant Cody-Waite), e^r = 1 + r + r²·P5(r), times 2^n in two halves (denormal results round once). */
ZOO_INLINE V exp(V x) {
  x = sel(x < -104.f, splat(-104.f), x);  // NaN passes both selects
  x = sel(x > 89.f, splat(89.f), x);
  const float magic = 12582912.f;  // 1.5·2^23: t's low mantissa bits hold round(x/ln2)
  const V t = x * 1.44269504088896341f + magic;
  const V n = t - magic;
  const VI ni = (VI)((VU)t - 0x4b400000u);  // bits(t) - bits(magic)
  V r = x - n * 0.693359375f;
  r = r - n * -2.12194440e-4f;
  V p = splat(1.9875691500e-4f);
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * (r * r) + r + 1.f;
  const VI n1 = ni >> 1, n2 = ni - n1;  // n in [-150, 128]: both halves are normal powers of 2
  const V s1 = (V)((VU)(n1 + 127) << 23), s2 = (V)((VU)(n2 + 127) << 23);
  return (p * s1) * s2;
}

/** ln x: x = m·2^e with m in [√½, √2), ln m by the Cephes degree-9 polynomial in (m - 1). */
ZOO_INLINE V log(V x) {
  const VI tiny = x < 1.17549435e-38f;  // denormal (or <= 0): scale by 2^23 first
  const V xs = sel(tiny, x * 8388608.f, x);
  const VU u = (VU)xs;
  V e = __builtin_convertvector((VI)((u >> 23) & 0xffu) - 126, V) - sel(tiny, splat(23.f), splat(0.f));
  V m = (V)((u & 0x007fffffu) | 0x3f000000u);  // [0.5, 1)
  const VI lo = m < 0.707106781186547524f;
  e = sel(lo, e - 1.f, e);
  m = sel(lo, m + m - 1.f, m - 1.f);
  const V z = m * m;
  V y = splat(7.0376836292e-2f);
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
  V res = m + y;
  res = res + e * 0.693359375f;
  const VI finitePos = (x > 0.f) & (x < kInf);
  const V special = sel(x == 0.f, splat(-kInf), sel(x == kInf, splat(kInf), splat(__builtin_nanf(""))));
  return sel(finitePos, res, special);
}

/** ln(1 + x) = ln u - ((u - 1) - x)/u with u = fl(1 + x): the correction restores the bits lost in u. */
ZOO_INLINE V log1p(V x) {
  const V u = 1.f + x;
  const V lu = zoo::vm::log(u);
  const V corrected = lu - ((u - 1.f) - x) / u;
  const V res = sel((u > 0.f) & (u < kInf), corrected, lu);
  return sel(u == 1.f, x, res);
}

/** e^x - 1: Taylor series to degree 10 for |x| < 0.7 (no cancellation), else exp(x) - 1. */
ZOO_INLINE V expm1(V x) {
  V p = splat(2.75573192e-7f);  // 1/10!
  p = p * x + 2.75573192e-6f;
  p = p * x + 2.48015873e-5f;
  p = p * x + 1.98412698e-4f;
  p = p * x + 1.38888889e-3f;
  p = p * x + 8.33333333e-3f;
  p = p * x + 4.16666667e-2f;
  p = p * x + 1.66666667e-1f;
  p = p * x + 0.5f;
  p = p * (x * x) + x;
  return sel((x > -0.7f) & (x < 0.7f), p, zoo::vm::exp(x) - 1.f);
}

/** tanh x: Cephes odd polynomial for |x| < 0.625, else sign(x)·(1 - 2/(e^{2|x|} + 1)). */
ZOO_INLINE V tanh(V x) {
  const V a = vabs(x);
  const V z = x * x;
  V p = splat(-5.70498872745e-3f);
  p = p * z + 2.06390887954e-2f;
  p = p * z - 5.37397155531e-2f;
  p = p * z + 1.33314422036e-1f;
  p = p * z - 3.33332819422e-1f;
  const V small = p * z * x + x;
  const V big = 1.f - 2.f / (zoo::vm::exp(a + a) + 1.f);
  return sel(a < 0.625f, small, sel(x < 0.f, -big, big));
}

/** 1/(1 + e^{-x}) as 1/(1+e) (x >= 0) or e/(1+e) (x < 0) with e = e^{-|x|}: no overflow, exact tails. */
ZOO_INLINE V sigmoid(V x) {
  const V e = zoo::vm::exp(-vabs(x));
  const V d = 1.f + e;
  return sel(x < 0.f, e / d, 1.f / d);
}

/** ln(1 + e^x) = max(x, 0) + log1p(e^{-|x|}). */
ZOO_INLINE V softplus(V x) {
  const V m = sel(x > 0.f, x, splat(0.f));
  return sel(x != x, x, m + zoo::vm::log1p(zoo::vm::exp(-vabs(x))));
}

/**
 * e^A for 4 double lanes as e^{fl(A')}·(1 + (A' - fl(A')))·e^{A - A'}, where A' = A + 64 below -60
 * (so the float32 exp never returns a denormal, whose precision would be lost).
 */
ZOO_INLINE VD exp_d(VD a) {
  const VD shift = a < -60.0 ? 64.0 + VD{} : VD{};
  const VD s = a + shift;
  const V4 sf = __builtin_convertvector(s, V4);
  const V wide = __builtin_shufflevector(sf, sf, 0, 1, 2, 3, 0, 1, 2, 3);
  const V e = zoo::vm::exp(wide);
  const VD ed = __builtin_convertvector(__builtin_shufflevector(e, e, 0, 1, 2, 3), VD);
  const VD scale = a < -60.0 ? 1.6038109389511792e-28 + VD{} : 1.0 + VD{};  // e^-64
  const VD d = s - __builtin_convertvector(sf, VD);  // NaN for s = ±inf: no correction then
  return ed * (1.0 + (d == d ? d : VD{})) * scale;
}

/** Φ(-|x|) for 4 lanes, in double: Numerical Recipes' erfc (relative error < 1.2e-7). */
ZOO_INLINE VD normtail(VD a, VD hi) {
  const VD t = 1.0 / (1.0 + 0.5 * (a * 0.707106781186547524));
  VD p = 0.17087277 + VD{};
  p = p * t - 0.82215223;
  p = p * t + 1.48851587;
  p = p * t - 1.13520398;
  p = p * t + 0.27886807;
  p = p * t - 0.18628806;
  p = p * t + 0.09678418;
  p = p * t + 0.37409196;
  p = p * t + 1.00002368;
  p = p * t - 1.26551223;
  return 0.5 * t * exp_d(p - 0.5 * (a - hi) * (a + hi));
}

/**
 * Standard normal CDF Φ(x) = erfc(-x/√2)/2. The tail q = Φ(-|x|) = t·e^{-x²/2 + P(t)}/2 with
 * e^{-x²/2} = e^{-hi²/2}·e^{-lo(x+hi)/2} (hi = x with 12 significant bits, so hi² is exact and the
 * large exponent carries no rounding); the rest is evaluated in double lanes.
 */
ZOO_INLINE V normcdf(V x) {
  const V a = vabs(x);
  const V hi = (V)((VU)a & 0xfffff000u);
  const V e1 = zoo::vm::exp(-0.5f * (hi * hi));
  const VD aLo = __builtin_convertvector(__builtin_shufflevector(a, a, 0, 1, 2, 3), VD);
  const VD aHi = __builtin_convertvector(__builtin_shufflevector(a, a, 4, 5, 6, 7), VD);
  const VD hLo = __builtin_convertvector(__builtin_shufflevector(hi, hi, 0, 1, 2, 3), VD);
  const VD hHi = __builtin_convertvector(__builtin_shufflevector(hi, hi, 4, 5, 6, 7), VD);
  const VD eLo = __builtin_convertvector(__builtin_shufflevector(e1, e1, 0, 1, 2, 3), VD);
  const VD eHi = __builtin_convertvector(__builtin_shufflevector(e1, e1, 4, 5, 6, 7), VD);
  VD qLo = normtail(aLo, hLo) * eLo, qHi = normtail(aHi, hHi) * eHi;
  const VD xLo = __builtin_convertvector(__builtin_shufflevector(x, x, 0, 1, 2, 3), VD);
  const VD xHi = __builtin_convertvector(__builtin_shufflevector(x, x, 4, 5, 6, 7), VD);
  qLo = xLo < 0.0 ? qLo : 1.0 - qLo;
  qHi = xHi < 0.0 ? qHi : 1.0 - qHi;
  const V4 rLo = __builtin_convertvector(qLo, V4), rHi = __builtin_convertvector(qHi, V4);
  V res = __builtin_shufflevector(rLo, rHi, 0, 1, 2, 3, 4, 5, 6, 7);
  res = sel(a > 30.f, sel(x < 0.f, splat(0.f), splat(1.f)), res);  // also keeps ±inf from making inf - inf
  return sel(x != x, x, res);
}

/** Four lanes of x·σ(z), z = 2√(2/π)(x + 0.044715x³), in double: σ(z) = e/(1+e) or 1/(1+e), e = e^{-|z|}. */
ZOO_INLINE VD gelu_tanh_d(VD x) {
  const VD z = 1.5957691216057308 * (x + 0.044715 * x * x * x);
  const VD e = exp_d(z < 0.0 ? z : -z);
  return x * (z < 0.0 ? e / (1.0 + e) : 1.0 / (1.0 + e));
}

/**
 * GELU, tanh form, as torch defines it: x·σ(2√(2/π)(x + 0.044715x³)). The argument reaches -100 in
 * the left tail, where rounding it to float32 would cost ~150 ulp of the result, so it is formed
 * in double lanes (1.8 ulp worst case).
 */
ZOO_INLINE V gelu_tanh(V x) {
  const VD lo = gelu_tanh_d(__builtin_convertvector(__builtin_shufflevector(x, x, 0, 1, 2, 3), VD));
  const VD hi = gelu_tanh_d(__builtin_convertvector(__builtin_shufflevector(x, x, 4, 5, 6, 7), VD));
  const V4 rLo = __builtin_convertvector(lo, V4), rHi = __builtin_convertvector(hi, V4);
  return __builtin_shufflevector(rLo, rHi, 0, 1, 2, 3, 4, 5, 6, 7);
}

/** Σ x[i] over n floats, accumulated in double lanes (8 at a time), pairwise at the end. */
ZOO_INLINE double sum_d(const float* x, size_t n) {
  VD a0{}, a1{};
  size_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    const V v = loadv(x + i);
    a0 += __builtin_convertvector(__builtin_shufflevector(v, v, 0, 1, 2, 3), VD);
    a1 += __builtin_convertvector(__builtin_shufflevector(v, v, 4, 5, 6, 7), VD);
  }
  const VD a = a0 + a1;
  double s = (a[0] + a[1]) + (a[2] + a[3]);
  for (; i < n; i++) s += x[i];
  return s;
}

/** max x[i] over n floats, NaN if any is NaN, -inf for n = 0. */
ZOO_INLINE float max_nan(const float* x, size_t n) {
  V m = splat(-kInf);
  VI nan{};
  size_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    const V v = loadv(x + i);
    nan |= v != v;
    m = sel(v > m, v, m);
  }
  float r = -kInf;
  bool anyNan = false;
  for (int k = 0; k < kLanes; k++) {
    anyNan |= nan[k] != 0;
    r = m[k] > r ? m[k] : r;
  }
  for (; i < n; i++) {
    anyNan |= x[i] != x[i];
    r = x[i] > r ? x[i] : r;
  }
  return anyNan ? __builtin_nanf("") : r;
}

/** y[i] = f(x[i]) over n floats: full vectors, then the tail padded into one vector. */
template <class F>
ZOO_INLINE void map(const float* x, float* y, size_t n, F&& f) {
  size_t i = 0;
  for (; i + kLanes <= n; i += kLanes) storev(y + i, f(loadv(x + i)));
  if (i < n) {
    float buf[kLanes] = {0};
    std::memcpy(buf, x + i, (n - i) * sizeof(float));
    storev(buf, f(loadv(buf)));
    std::memcpy(y + i, buf, (n - i) * sizeof(float));
  }
}

}  // namespace zoo::vm
