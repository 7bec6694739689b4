// softmax / log_softmax along one axis, fused and stable, x viewed as (outer, len, inner):
//   m = max_k x_k (NaN if any is NaN),  s = Σ_k e^{x_k - m} (accumulated in double)
//   softmax:     y_k = e^{x_k - m} / s
//   log_softmax: y_k = (x_k - m) - log s
// Contiguous rows (inner = 1) make three passes over a row that stays in L1: max, exp-and-store
// (vectorized, XNNPACK's raddstoreexpminusmax), then the sum and the scaling. A strided axis works
// on (len, inner) slabs, one running max/sum per inner position.
#include <algorithm>
#include <cmath>
#include <vector>

#include "vecmath.h"
#include "zoo.h"

namespace zoo {
namespace {

ZOO_INLINE void exp_shift(const float* __restrict x, float* __restrict y, size_t n, float m) {
  vm::map(x, y, n, [&](vm::V v) ZOO_LAMBDA { return vm::exp(v - m); });
}
/** y[i] = exp(x[i]) in place-safe form for the slab path. */
ZOO_INLINE void exp_inplace(float* y, size_t n) {
  vm::map(y, y, n, [](vm::V v) ZOO_LAMBDA { return vm::exp(v); });
}
ZOO_AVX2 void exp_inplace_avx2(float* y, size_t n) { exp_inplace(y, n); }
void exp_inplace_generic(float* y, size_t n) { exp_inplace(y, n); }
ZOO_INLINE void scale_div(float* __restrict y, size_t n, float s) {
  for (size_t i = 0; i < n; i++) y[i] = y[i] / s;
}
ZOO_INLINE void log_out(const float* __restrict x, float* __restrict y, size_t n, double m, double lse) {
  for (size_t i = 0; i < n; i++) y[i] = static_cast<float>((static_cast<double>(x[i]) - m) - lse);
}

/** max with NaN propagation (ref's rowMax) along a strided row; -inf for an empty row. */
float row_max(const float* x, size_t n, size_t stride) {
  float m = -INFINITY;
  bool nan = false;
  for (size_t i = 0; i < n; i++) {
    const float v = x[i * stride];
    nan |= v != v;
    m = v > m ? v : m;
  }
  return nan ? NAN : m;
}

ZOO_INLINE void contiguous(bool log, const float* x, float* y, size_t n) {
  const float m = vm::max_nan(x, n);
  exp_shift(x, y, n, m);
  const double s = vm::sum_d(y, n);
  if (log) log_out(x, y, n, m, std::log(s));
  else scale_div(y, n, static_cast<float>(s));
}
ZOO_AVX2 void contiguous_avx2(bool log, const float* x, float* y, size_t n) { contiguous(log, x, y, n); }
void contiguous_generic(bool log, const float* x, float* y, size_t n) { contiguous(log, x, y, n); }

void contiguous_row(bool log, const float* x, float* y, size_t n) {
  (use_avx2() ? contiguous_avx2 : contiguous_generic)(log, x, y, n);
}

/** One (len, inner) slab, inner positions [i0, i1): a running max/sum per inner position. */
void slab(bool log, const float* x, float* y, size_t len, size_t inner, size_t i0, size_t i1) {
  const size_t w = i1 - i0;
  const auto expf8 = use_avx2() ? exp_inplace_avx2 : exp_inplace_generic;
  std::vector<float> m(w), e(w);
  std::vector<double> s(w, 0.0);
  for (size_t i = 0; i < w; i++) m[i] = row_max(x + i0 + i, len, inner);
  for (size_t k = 0; k < len; k++) {
    const float* xr = x + k * inner + i0;
    for (size_t i = 0; i < w; i++) e[i] = xr[i] - m[i];
    expf8(e.data(), w);
    for (size_t i = 0; i < w; i++) s[i] += e[i];
    if (!log) std::memcpy(y + k * inner + i0, e.data(), w * sizeof(float));
  }
  for (size_t k = 0; k < len; k++) {
    const float* xr = x + k * inner + i0;
    float* yr = y + k * inner + i0;
    for (size_t i = 0; i < w; i++) {
      yr[i] = log ? static_cast<float>((static_cast<double>(xr[i]) - m[i]) - std::log(s[i])) : yr[i] / static_cast<float>(s[i]);
    }
  }
}

}  // namespace

namespace exports {

// softmax(log, x, out, outer, len, inner)
Napi::Value softmax(const Napi::CallbackInfo& info) {
  const bool log = arg_int(info, 0) != 0;
  ZOO_BUF(x, 1);
  ZOO_BUF(y, 2);
  const size_t outer = arg_int(info, 3), len = arg_int(info, 4), inner = arg_int(info, 5);
  if (x.t != F32 || y.t != F32 || x.n != y.n || outer * len * inner != x.n) {
    throw_type(info.Env(), "softmax: float32 arrays of length outer·len·inner expected");
    return info.Env().Undefined();
  }
  const float* xs = x.f32();
  float* ys = y.f32();
  if (inner == 1) {
    parallel_for(outer, std::max<size_t>(1, 16384 / std::max<size_t>(len, 1)), [&](size_t r0, size_t r1) {
      for (size_t r = r0; r < r1; r++) contiguous_row(log, xs + r * len, ys + r * len, len);
    });
  } else {
    constexpr size_t kBlock = 256;
    const size_t blocks = (inner + kBlock - 1) / kBlock;
    parallel_for(outer * blocks, std::max<size_t>(1, 16384 / std::max<size_t>(len * std::min(inner, kBlock), 1)), [&](size_t t0, size_t t1) {
      for (size_t t = t0; t < t1; t++) {
        const size_t o = t / blocks, i0 = (t % blocks) * kBlock;
        slab(log, xs + o * len * inner, ys + o * len * inner, len, inner, i0, std::min(inner, i0 + kBlock));
      }
    });
  }
  return info.Env().Undefined();
}

}  // namespace exports
}  // namespace zoo
