// Hyper-connection stream ops over tokens × n streams × C channels (mHC §4.3 F_pre and F_post,res;
// kernels/ref/hc_pre.ts and hc_post_res.ts are the oracles), float32 with FMA over C:
//   hcPre:     u[t, c]    = Σ_j h[t, j] · x[t, j, c]
//   hcPostRes: out[t, i, c] = hpost[t, i] · y[t, c] + Σ_j hres[t, i, j] · x[t, j, c]
// The inner loop over c is contiguous and auto-vectorizes (8 lanes in the AVX2+FMA variant);
// threaded over tokens.
#include <algorithm>

#include "zoo.h"

namespace zoo {
namespace {

/** out[c] = Σ_j w[j] · x[j·C + c] (out = 0 when n = 0). */
ZOO_INLINE void mix_row(const float* __restrict w, const float* __restrict x, float* __restrict out, size_t n, size_t C, float w0, const float* __restrict y0) {
  // y0 (when set) seeds the row with w0 · y0[c]; otherwise it starts at 0.
  if (y0) for (size_t c = 0; c < C; c++) out[c] = w0 * y0[c];
  else for (size_t c = 0; c < C; c++) out[c] = 0.f;
  for (size_t j = 0; j < n; j++) {
    const float wj = w[j];
    const float* xj = x + j * C;
    for (size_t c = 0; c < C; c++) out[c] += wj * xj[c];
  }
}

ZOO_INLINE void pre_tokens(const float* h, const float* x, float* u, size_t n, size_t C, size_t t0, size_t t1) {
  for (size_t t = t0; t < t1; t++) mix_row(h + t * n, x + t * n * C, u + t * C, n, C, 0.f, nullptr);
}
ZOO_AVX2 void pre_avx2(const float* h, const float* x, float* u, size_t n, size_t C, size_t t0, size_t t1) { pre_tokens(h, x, u, n, C, t0, t1); }
void pre_generic(const float* h, const float* x, float* u, size_t n, size_t C, size_t t0, size_t t1) { pre_tokens(h, x, u, n, C, t0, t1); }

ZOO_INLINE void post_tokens(const float* hres, const float* x, const float* hpost, const float* y, float* out, size_t n, size_t C, size_t t0, size_t t1) {
  for (size_t t = t0; t < t1; t++) {
    for (size_t i = 0; i < n; i++) {
      mix_row(hres + (t * n + i) * n, x + t * n * C, out + (t * n + i) * C, n, C, hpost[t * n + i], y + t * C);
    }
  }
}
ZOO_AVX2 void post_avx2(const float* hres, const float* x, const float* hpost, const float* y, float* out, size_t n, size_t C, size_t t0, size_t t1) {
  post_tokens(hres, x, hpost, y, out, n, C, t0, t1);
}
void post_generic(const float* hres, const float* x, const float* hpost, const float* y, float* out, size_t n, size_t C, size_t t0, size_t t1) {
  post_tokens(hres, x, hpost, y, out, n, C, t0, t1);
}

bool sizes_ok(const Napi::CallbackInfo& info, std::initializer_list<std::pair<const Buf*, size_t>> bufs, const char* what) {
  for (const auto& [b, want] : bufs) {
    if (b->t != F32 || b->n != want) {
      throw_type(info.Env(), what);
      return false;
    }
  }
  return true;
}

/** Tokens per task: about 16k multiply-adds. */
size_t grain(size_t per_token) { return std::max<size_t>(1, 16384 / std::max<size_t>(1, per_token)); }

}  // namespace

namespace exports {

// hcPre(h, x, out, tokens, n, C)
Napi::Value hcPre(const Napi::CallbackInfo& info) {
  ZOO_BUF(h, 0);
  ZOO_BUF(x, 1);
  ZOO_BUF(u, 2);
  const size_t tokens = arg_int(info, 3), n = arg_int(info, 4), C = arg_int(info, 5);
  if (!sizes_ok(info, {{&h, tokens * n}, {&x, tokens * n * C}, {&u, tokens * C}}, "hcPre: float32 arrays of tokens·n, tokens·n·C and tokens·C elements expected")) {
    return info.Env().Undefined();
  }
  const auto body = use_avx2() ? pre_avx2 : pre_generic;
  parallel_for(tokens, grain(n * C + C), [&](size_t t0, size_t t1) { body(h.f32(), x.f32(), u.f32(), n, C, t0, t1); });
  return info.Env().Undefined();
}

// hcPostRes(hres, x, hpost, y, out, tokens, n, C)
Napi::Value hcPostRes(const Napi::CallbackInfo& info) {
  ZOO_BUF(hres, 0);
  ZOO_BUF(x, 1);
  ZOO_BUF(hpost, 2);
  ZOO_BUF(y, 3);
  ZOO_BUF(out, 4);
  const size_t tokens = arg_int(info, 5), n = arg_int(info, 6), C = arg_int(info, 7);
  if (!sizes_ok(info, {{&hres, tokens * n * n}, {&x, tokens * n * C}, {&hpost, tokens * n}, {&y, tokens * C}, {&out, tokens * n * C}},
                "hcPostRes: float32 arrays of tokens·n·n, tokens·n·C, tokens·n, tokens·C and tokens·n·C elements expected")) {
    return info.Env().Undefined();
  }
  const auto body = use_avx2() ? post_avx2 : post_generic;
  parallel_for(tokens, grain((n + 1) * n * C + C), [&](size_t t0, size_t t1) { body(hres.f32(), x.f32(), hpost.f32(), y.f32(), out.f32(), n, C, t0, t1); });
  return info.Env().Undefined();
}

}  // namespace exports
}  // namespace zoo
