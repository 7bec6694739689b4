// softmax / log_softmax along one axis, fused and stable, x viewed as (outer, len, inner):
//   m = max_k x_k,  s = Σ_k e^{x_k - m}
//   softmax:     y_k = e^{x_k - m} · (1/s)
//   log_softmax: y_k = (x_k - m) - log s
// NaN: the max ignores NaN, but a NaN entry gives e = NaN and so s = NaN and a NaN row (as ref,
// whose max is NaN); so do a +inf entry (inf - inf) and an all -inf row (-inf - -inf), as in torch.
// e^{x - m} is exp_nonpos below (1.0 ulp, flushed to 0 under FLT_MIN); s is summed in float lanes
// within blocks of kBlock elements, the blocks in double, so it is as accurate as a double sum for
// any row length; 1/s is rounded once (the product is then within 1 ulp of e/s). The exp pass is
// compute bound (~20 vector ops per 8 elements), so the max pass has 4 accumulators and the exp
// pass 2: more only spill registers.
// Contiguous rows (inner = 1), one row at a time (it stays in L1): an 8-wide max pass, one fused
// pass storing e and summing it (log_softmax only sums), then the scale (or subtract) pass.
// A strided axis (inner > 1) works on (len, kCols) slabs, 8 columns per vector: the same three
// passes with one running max/sum per column (the sums in double lanes).
// Threads take whole rows (slabs) and only when a call has at least kParallelMin elements: waking
// the pool costs ~1.5 µs, and on (R, 256) rows 2 threads tie with 1 at 16K elements and win 1.6x at
// 32K, 1.9x at 64K (best of 150, other core idle).
#include <algorithm>
#include <cmath>

#include "vecmath.h"
#include "zoo.h"

namespace zoo {
namespace {

using vm::V;
using vm::VD;
using vm::kLanes;

constexpr size_t kStep = 4 * kLanes;  // 4 max accumulators: the latency must not serialize the loop
constexpr size_t kBlock = 512;        // float partial sums cover at most this many elements
constexpr size_t kCols = 256;         // columns per slab in the strided case
constexpr size_t kParallelMin = 32768;

ZOO_INLINE V vmax(V a, V b) { return a > b ? a : b; }

/**
 * e^x for x <= 0 or NaN (here x = x_k - m): vm::exp's Cody-Waite reduction and Cephes polynomial
 * with one scaling by 2^n, built from the low bits of t = x/ln2 + (1.5·2^23 + 127), and 0 below
 * ln(FLT_MIN) = -87.3365 where 2^n would be denormal. Measured against float64 exp over every
 * float in [-87.34, 0]: 0.98 ulp; results under FLT_MIN are 0 (an absolute error < FLT_MIN, the
 * parity budget's floor); NaN stays NaN, -inf gives 0. vm::exp's clamps and two-step scaling cost
 * a third more here and only buy those denormal results.
 */
ZOO_INLINE V exp_nonpos(V x) {
  const float magic = 12582912.f + 127.f;
  const V t = x * 1.44269504088896341f + magic;  // low mantissa bits: n + 127, n = round(x/ln2)
  const V n = t - magic;
  V r = x - n * 0.693359375f;
  r = r - n * -2.12194440e-4f;
  V p = vm::splat(1.9875691500e-4f);
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * (r * r) + r + 1.f;
  const V e = p * (V)((vm::VU)t << 23);  // 2^n for n + 127 in [1, 254]
  return x < -87.33654475f ? vm::splat(0.f) : e;
}
ZOO_INLINE double hsum_d(V a) {
  const VD d = __builtin_convertvector(__builtin_shufflevector(a, a, 0, 1, 2, 3), VD) + __builtin_convertvector(__builtin_shufflevector(a, a, 4, 5, 6, 7), VD);
  return (d[0] + d[1]) + (d[2] + d[3]);
}

/** max of n floats, NaN ignored (see the header), -inf for n = 0. */
ZOO_INLINE float row_max(const float* x, size_t n) {
  V m0 = vm::splat(-vm::kInf), m1 = m0, m2 = m0, m3 = m0;
  size_t i = 0;
  for (; i + kStep <= n; i += kStep) {
    m0 = vmax(vm::loadv(x + i), m0);
    m1 = vmax(vm::loadv(x + i + 8), m1);
    m2 = vmax(vm::loadv(x + i + 16), m2);
    m3 = vmax(vm::loadv(x + i + 24), m3);
  }
  for (; i + kLanes <= n; i += kLanes) m0 = vmax(vm::loadv(x + i), m0);
  const V m = vmax(vmax(m0, m1), vmax(m2, m3));
  float r = -vm::kInf;
  for (int k = 0; k < kLanes; k++) r = m[k] > r ? m[k] : r;
  for (; i < n; i++) r = x[i] > r ? x[i] : r;
  return r;
}

/** Σ e^{x[i] - m} over n floats; e is stored to y when `store`. */
template <bool store>
ZOO_INLINE double exp_sum(const float* __restrict x, float* __restrict y, size_t n, float m) {
  double total = 0;
  size_t i = 0;
  while (i + 2 * kLanes <= n) {
    const size_t stop = i + std::min(kBlock, (n - i) / (2 * kLanes) * (2 * kLanes));
    V a0{}, a1{};
    for (; i < stop; i += 2 * kLanes) {
      const V e0 = exp_nonpos(vm::loadv(x + i) - m), e1 = exp_nonpos(vm::loadv(x + i + 8) - m);
      if (store) {
        vm::storev(y + i, e0);
        vm::storev(y + i + 8, e1);
      }
      a0 += e0;
      a1 += e1;
    }
    total += hsum_d(a0 + a1);
  }
  if (i + kLanes <= n) {
    const V e = exp_nonpos(vm::loadv(x + i) - m);
    if (store) vm::storev(y + i, e);
    total += hsum_d(e);
    i += kLanes;
  }
  if (i < n) {  // the tail, padded into one vector; only its n - i lanes count
    float buf[kLanes] = {0};
    std::memcpy(buf, x + i, (n - i) * sizeof(float));
    vm::storev(buf, exp_nonpos(vm::loadv(buf) - m));
    for (size_t k = 0; k < n - i; k++) total += buf[k];
    if (store) std::memcpy(y + i, buf, (n - i) * sizeof(float));
  }
  return total;
}

/** y[i] *= r over n floats. */
ZOO_INLINE void scale(float* y, size_t n, float r) {
  size_t i = 0;
  for (; i + kLanes <= n; i += kLanes) vm::storev(y + i, vm::loadv(y + i) * r);
  for (; i < n; i++) y[i] *= r;
}

/** y[i] = (x[i] - m) - l over n floats. */
ZOO_INLINE void sub_out(const float* __restrict x, float* __restrict y, size_t n, float m, float l) {
  size_t i = 0;
  for (; i + kLanes <= n; i += kLanes) vm::storev(y + i, (vm::loadv(x + i) - m) - l);
  for (; i < n; i++) y[i] = (x[i] - m) - l;
}

/** Rows [r0, r1) of a contiguous (rows, len) softmax. */
ZOO_INLINE void rows(bool log, const float* x, float* y, size_t len, size_t r0, size_t r1) {
  for (size_t r = r0; r < r1; r++) {
    const float* xr = x + r * len;
    float* yr = y + r * len;
    const float m = row_max(xr, len);
    if (log) {
      const double s = exp_sum<false>(xr, nullptr, len, m);
      sub_out(xr, yr, len, m, static_cast<float>(std::log(s)));
    } else {
      const double s = exp_sum<true>(xr, yr, len, m);
      scale(yr, len, static_cast<float>(1.0 / s));
    }
  }
}

/** Σ over 8 float lanes into 8 double accumulators at s. */
ZOO_INLINE void add_d(double* s, V v) {
  VD a, b;
  std::memcpy(&a, s, sizeof a);
  std::memcpy(&b, s + 4, sizeof b);
  a += __builtin_convertvector(__builtin_shufflevector(v, v, 0, 1, 2, 3), VD);
  b += __builtin_convertvector(__builtin_shufflevector(v, v, 4, 5, 6, 7), VD);
  std::memcpy(s, &a, sizeof a);
  std::memcpy(s + 4, &b, sizeof b);
}

/** One (len, inner) slab, columns [c0, c1) (at most kCols): a running max and sum per column. */
ZOO_INLINE void slab(bool log, const float* x, float* y, size_t len, size_t inner, size_t c0, size_t c1) {
  const size_t w = c1 - c0, wv = w / kLanes * kLanes;
  alignas(32) float m[kCols], r[kCols];
  alignas(32) double s[kCols];
  for (size_t c = 0; c < w; c++) m[c] = -vm::kInf, s[c] = 0;
  for (size_t k = 0; k < len; k++) {
    const float* xr = x + k * inner + c0;
    size_t c = 0;
    for (; c < wv; c += kLanes) vm::storev(m + c, vmax(vm::loadv(xr + c), vm::loadv(m + c)));
    for (; c < w; c++) m[c] = xr[c] > m[c] ? xr[c] : m[c];
  }
  for (size_t k = 0; k < len; k++) {
    const float* xr = x + k * inner + c0;
    float* yr = y + k * inner + c0;
    size_t c = 0;
    for (; c < wv; c += kLanes) {
      const V e = exp_nonpos(vm::loadv(xr + c) - vm::loadv(m + c));
      if (!log) vm::storev(yr + c, e);
      add_d(s + c, e);
    }
    if (c < w) {  // the tail columns, padded into one vector
      float buf[kLanes] = {0};
      for (size_t j = c; j < w; j++) buf[j - c] = xr[j] - m[j];
      vm::storev(buf, exp_nonpos(vm::loadv(buf)));
      for (size_t j = c; j < w; j++) {
        s[j] += buf[j - c];
        if (!log) yr[j] = buf[j - c];
      }
    }
  }
  for (size_t c = 0; c < w; c++) r[c] = static_cast<float>(log ? std::log(s[c]) : 1.0 / s[c]);
  for (size_t k = 0; k < len; k++) {
    const float* xr = x + k * inner + c0;
    float* yr = y + k * inner + c0;
    size_t c = 0;
    if (log) {
      for (; c < wv; c += kLanes) vm::storev(yr + c, (vm::loadv(xr + c) - vm::loadv(m + c)) - vm::loadv(r + c));
      for (; c < w; c++) yr[c] = (xr[c] - m[c]) - r[c];
    } else {
      for (; c < wv; c += kLanes) vm::storev(yr + c, vm::loadv(yr + c) * vm::loadv(r + c));
      for (; c < w; c++) yr[c] *= r[c];
    }
  }
}

struct Job {
  bool log;
  const float* x;
  float* y;
  size_t outer, len, inner, blocks;
};

/** Work items [t0, t1): rows when inner = 1, else (outer, column block) slabs. */
ZOO_INLINE void run(const Job& j, size_t t0, size_t t1) {
  if (j.inner == 1) {
    rows(j.log, j.x, j.y, j.len, t0, t1);
    return;
  }
  for (size_t t = t0; t < t1; t++) {
    const size_t o = t / j.blocks, c0 = (t % j.blocks) * kCols;
    slab(j.log, j.x + o * j.len * j.inner, j.y + o * j.len * j.inner, j.len, j.inner, c0, std::min(j.inner, c0 + kCols));
  }
}
ZOO_AVX2 void run_avx2(const Job& j, size_t t0, size_t t1) { run(j, t0, t1); }
void run_generic(const Job& j, size_t t0, size_t t1) { run(j, t0, t1); }

}  // namespace

namespace exports {

// softmax(log, x, out, outer, len, inner)
Napi::Value softmax(const Napi::CallbackInfo& info) {
  const bool log = arg_int(info, 0) != 0;
  ZOO_BUF(x, 1);
  ZOO_BUF(y, 2);
  const int64_t outer = arg_int(info, 3), len = arg_int(info, 4), inner = arg_int(info, 5);
  if (outer < 0 || len < 0 || inner < 1 || x.t != F32 || y.t != F32 || x.n != y.n || size_t(outer) * size_t(len) * size_t(inner) != x.n) {
    throw_type(info.Env(), "softmax: float32 arrays of length outer·len·inner expected");
    return info.Env().Undefined();
  }
  if (x.n == 0) return info.Env().Undefined();
  const size_t blocks = (size_t(inner) + kCols - 1) / kCols;
  const Job j{log, x.f32(), y.f32(), size_t(outer), size_t(len), size_t(inner), blocks};
  const auto f = use_avx2() ? run_avx2 : run_generic;
  const size_t units = inner == 1 ? j.outer : j.outer * blocks;
  const size_t per = x.n / units;  // elements per work item
  if (x.n < kParallelMin) {
    f(j, 0, units);
  } else {
    parallel_for(units, std::max<size_t>(1, 16384 / std::max<size_t>(per, 1)), [&](size_t t0, size_t t1) { f(j, t0, t1); });
  }
  return info.Env().Undefined();
}

}  // namespace exports
}  // namespace zoo
