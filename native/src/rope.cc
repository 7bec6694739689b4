// Rotary position embedding (RoFormer, arXiv:2104.09864) over x viewed as (rows, D), row r being
// token t = r mod T. Pair i of the first d dims has members (a, b) = (2i, 2i+1) when interleaved,
// (i, i + d/2) otherwise, and angle φ_ti whose cos and sin come in (T, d/2) tables (computed in
// TypeScript in float64, the direction folded into sin):
//   out_a = a cos φ − b sin φ,   out_b = a sin φ + b cos φ;   dims d..D are copied.
#include <algorithm>

#include "zoo.h"

namespace zoo {
namespace {

struct Rope {
  const float *x, *cos, *sin;
  float* out;
  size_t T, D, d;
  bool interleaved;
};

ZOO_INLINE void rows(const Rope& p, size_t r0, size_t r1) {
  const size_t half = p.d / 2;
  for (size_t r = r0; r < r1; r++) {
    const float* x = p.x + r * p.D;
    float* y = p.out + r * p.D;
    const float* c = p.cos + (r % p.T) * half;
    const float* s = p.sin + (r % p.T) * half;
    if (p.interleaved) {
      for (size_t i = 0; i < half; i++) {
        const float a = x[2 * i], b = x[2 * i + 1];
        y[2 * i] = a * c[i] - b * s[i];
        y[2 * i + 1] = a * s[i] + b * c[i];
      }
    } else {
      const float* xb = x + half;
      float* yb = y + half;
      for (size_t i = 0; i < half; i++) {
        const float a = x[i], b = xb[i];
        y[i] = a * c[i] - b * s[i];
        yb[i] = a * s[i] + b * c[i];
      }
    }
    std::copy(x + p.d, x + p.D, y + p.d);
  }
}
ZOO_AVX2 void rows_avx2(const Rope& p, size_t r0, size_t r1) { rows(p, r0, r1); }
void rows_generic(const Rope& p, size_t r0, size_t r1) { rows(p, r0, r1); }

}  // namespace

namespace exports {

// rope(x, out, cos, sin, T, D, d, interleaved)
Napi::Value rope(const Napi::CallbackInfo& info) {
  ZOO_BUF(x, 0);
  ZOO_BUF(out, 1);
  ZOO_BUF(cos, 2);
  ZOO_BUF(sin, 3);
  const int64_t T = arg_int(info, 4), D = arg_int(info, 5), d = arg_int(info, 6);
  const bool interleaved = arg_int(info, 7) != 0;
  bool ok = x.t == F32 && out.t == F32 && cos.t == F32 && sin.t == F32 && x.n == out.n;
  ok = ok && T >= 0 && D >= 0 && d >= 0 && d <= D && d % 2 == 0;
  ok = ok && cos.n == static_cast<size_t>(T * (d / 2)) && sin.n == cos.n;
  ok = ok && (D == 0 ? x.n == 0 : x.n % static_cast<size_t>(D) == 0);
  const size_t nrows = D == 0 ? 0 : x.n / static_cast<size_t>(D);
  ok = ok && (T == 0 ? nrows == 0 : nrows % static_cast<size_t>(T) == 0);
  if (!ok) {
    throw_type(info.Env(), "rope: bad arguments");
    return info.Env().Undefined();
  }
  if (nrows == 0) return info.Env().Undefined();
  const Rope p{x.f32(), cos.f32(), sin.f32(), out.f32(), static_cast<size_t>(T), static_cast<size_t>(D), static_cast<size_t>(d), interleaved};
  const auto run = use_avx2() ? rows_avx2 : rows_generic;
  parallel_for(nrows, std::max<size_t>(1, 16384 / std::max<size_t>(p.D, 1)), [&](size_t r0, size_t r1) { run(p, r0, r1); });
  return info.Env().Undefined();
}

}  // namespace exports
}  // namespace zoo
