// Hyper-connection stream ops over tokens × n streams × C channels (mHC §4.3 F_pre and F_post,res;
// kernels/ref/hc_pre.ts and hc_post_res.ts are the oracles), float32 with FMA over C:
//   hcPre:     u[t, c]    = Σ_j h[t, j] · x[t, j, c]
//   hcPostRes: out[t, i, c] = hpost[t, i] · y[t, c] + Σ_j hres[t, i, j] · x[t, j, c]
// The inner loop over c is contiguous and auto-vectorizes (8 lanes in the AVX2+FMA variant);
// threaded over tokens.
//
// Fused backward (kernels/ref/hc_pre_backward.ts and hc_post_res_backward.ts are the oracles), one
// pass over x and dOut per token in 8-lane vectors (vecmath.h: FMA in the AVX2 variant), the
// per-stream sums in float lanes folded at the end of the token:
//   hcPreBackward:     dh[j] = Σ_c dOut[c] · x[j, c],       dx[j, c] = h[j] · dOut[c]
//   hcPostResBackward: dhres[i, j] = Σ_c dOut[i, c] · x[j, c], dhpost[i] = Σ_c dOut[i, c] · y[c]
//                      dx[j, c] = Σ_i hres[i, j] · dOut[i, c], dy[c] = Σ_i hpost[i] · dOut[i, c]
// The stream count is a template parameter (accumulators in registers): hc_pre takes streams in
// blocks of up to 8 (one pass for n <= 8), hc_post_res up to n = 4 in one pass (n² + n
// accumulators); larger n takes one dot product per output (rows re-read from L1).
#include <algorithm>

#include "vecmath.h"
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

// ---- fused backward ---------------------------------------------------------------------------

using vm::V;
constexpr size_t kL = vm::kLanes;

/** m <= 8 floats of p, zeros after (0·0 adds nothing to a sum). */
ZOO_INLINE V load_part(const float* p, size_t m) {
  float b[kL] = {0};
  std::memcpy(b, p, m * sizeof(float));
  return vm::loadv(b);
}
ZOO_INLINE void store_part(float* p, V v, size_t m) {
  float b[kL];
  vm::storev(b, v);
  std::memcpy(p, b, m * sizeof(float));
}
/** Full vectors when m = 8, else the padded tail. */
ZOO_INLINE V ld(const float* p, size_t m) { return m == kL ? vm::loadv(p) : load_part(p, m); }
ZOO_INLINE void st(float* p, V v, size_t m) {
  if (m == kL) vm::storev(p, v);
  else store_part(p, v, m);
}
ZOO_INLINE float hsum8(V v) { return ((v[0] + v[1]) + (v[2] + v[3])) + ((v[4] + v[5]) + (v[6] + v[7])); }

/** Σ_c a[c] · b[c] over C floats (two vector accumulators). */
ZOO_INLINE float dot(const float* a, const float* b, size_t C) {
  V s0{}, s1{};
  size_t c = 0;
  for (; c + 2 * kL <= C; c += 2 * kL) {
    s0 += vm::loadv(a + c) * vm::loadv(b + c);
    s1 += vm::loadv(a + c + kL) * vm::loadv(b + c + kL);
  }
  for (; c < C; c += kL) {
    const size_t m = std::min(kL, C - c);
    s0 += ld(a + c, m) * ld(b + c, m);
  }
  return hsum8(s0 + s1);
}

/** hc_pre backward for N streams of one token (h, x, dx at the first of them; d = dOut row): one pass over c. */
template <size_t N>
ZOO_INLINE void pre_bwd_block(const float* h, const float* x, const float* d, float* dh, float* dx, size_t C) {
  V acc[N];
  float w[N];
  for (size_t j = 0; j < N; j++) acc[j] = V{}, w[j] = h[j];
  for (size_t c = 0; c < C; c += kL) {
    const size_t m = std::min(kL, C - c);
    const V dv = ld(d + c, m);
    for (size_t j = 0; j < N; j++) {
      acc[j] += ld(x + j * C + c, m) * dv;
      st(dx + j * C + c, dv * w[j], m);
    }
  }
  for (size_t j = 0; j < N; j++) dh[j] = hsum8(acc[j]);
}

struct PreBwd {
  const float *h, *x, *d;
  float *dh, *dx;
  size_t n, C;
};

ZOO_INLINE void pre_bwd_tokens(const PreBwd& a, size_t t0, size_t t1) {
  const size_t n = a.n, C = a.C;
  for (size_t t = t0; t < t1; t++) {
    const float* d = a.d + t * C;
    for (size_t j = 0; j < n; j += kL) {
      const float* h = a.h + t * n + j;
      const float* x = a.x + (t * n + j) * C;
      float *dh = a.dh + t * n + j, *dx = a.dx + (t * n + j) * C;
      switch (std::min(kL, n - j)) {
        case 1: pre_bwd_block<1>(h, x, d, dh, dx, C); break;
        case 2: pre_bwd_block<2>(h, x, d, dh, dx, C); break;
        case 3: pre_bwd_block<3>(h, x, d, dh, dx, C); break;
        case 4: pre_bwd_block<4>(h, x, d, dh, dx, C); break;
        case 5: pre_bwd_block<5>(h, x, d, dh, dx, C); break;
        case 6: pre_bwd_block<6>(h, x, d, dh, dx, C); break;
        case 7: pre_bwd_block<7>(h, x, d, dh, dx, C); break;
        default: pre_bwd_block<8>(h, x, d, dh, dx, C); break;
      }
    }
  }
}
ZOO_AVX2 void pre_bwd_avx2(const PreBwd& a, size_t t0, size_t t1) { pre_bwd_tokens(a, t0, t1); }
void pre_bwd_generic(const PreBwd& a, size_t t0, size_t t1) { pre_bwd_tokens(a, t0, t1); }

/** One token of hc_post_res backward (pointers at the token): arguments in stream-major rows. */
struct PostTok {
  const float *hres, *x, *hpost, *y, *d;
  float *dhres, *dx, *dhpost, *dy;
};

/** N <= 4 streams: one pass over c, the n² + n sums in vector accumulators. */
template <size_t N>
ZOO_INLINE void post_bwd_fixed(const PostTok& k, size_t C) {
  V ar[N * N], ap[N];
  float R[N * N], P[N];
  for (size_t q = 0; q < N * N; q++) ar[q] = V{}, R[q] = k.hres[q];
  for (size_t i = 0; i < N; i++) ap[i] = V{}, P[i] = k.hpost[i];
  for (size_t c = 0; c < C; c += kL) {
    const size_t m = std::min(kL, C - c);
    V dv[N], xv[N];
    for (size_t i = 0; i < N; i++) dv[i] = ld(k.d + i * C + c, m), xv[i] = ld(k.x + i * C + c, m);
    const V yv = ld(k.y + c, m);
    V dyv = dv[0] * P[0];
    for (size_t i = 1; i < N; i++) dyv += dv[i] * P[i];
    st(k.dy + c, dyv, m);
    for (size_t j = 0; j < N; j++) {
      V s = dv[0] * R[j];
      for (size_t i = 1; i < N; i++) s += dv[i] * R[i * N + j];
      st(k.dx + j * C + c, s, m);
    }
    for (size_t i = 0; i < N; i++) {
      ap[i] += dv[i] * yv;
      for (size_t j = 0; j < N; j++) ar[i * N + j] += dv[i] * xv[j];
    }
  }
  for (size_t q = 0; q < N * N; q++) k.dhres[q] = hsum8(ar[q]);
  for (size_t i = 0; i < N; i++) k.dhpost[i] = hsum8(ap[i]);
}

/** Any n: one dot product per dhres / dhpost entry, dx and dy as weighted row sums. */
ZOO_INLINE void post_bwd_any(const PostTok& k, size_t n, size_t C) {
  for (size_t i = 0; i < n; i++) {
    k.dhpost[i] = dot(k.d + i * C, k.y, C);
    for (size_t j = 0; j < n; j++) k.dhres[i * n + j] = dot(k.d + i * C, k.x + j * C, C);
  }
  for (size_t c = 0; c < C; c += kL) {
    const size_t m = std::min(kL, C - c);
    V dyv{};
    for (size_t i = 0; i < n; i++) dyv += ld(k.d + i * C + c, m) * k.hpost[i];
    st(k.dy + c, dyv, m);
    for (size_t j = 0; j < n; j++) {
      V s{};
      for (size_t i = 0; i < n; i++) s += ld(k.d + i * C + c, m) * k.hres[i * n + j];
      st(k.dx + j * C + c, s, m);
    }
  }
}

struct PostBwd {
  const float *hres, *x, *hpost, *y, *d;
  float *dhres, *dx, *dhpost, *dy;
  size_t n, C;
};

ZOO_INLINE void post_bwd_tokens(const PostBwd& a, size_t t0, size_t t1) {
  const size_t n = a.n, C = a.C;
  for (size_t t = t0; t < t1; t++) {
    const size_t r = t * n * C;
    const PostTok k{a.hres + t * n * n, a.x + r, a.hpost + t * n, a.y + t * C, a.d + r, a.dhres + t * n * n, a.dx + r, a.dhpost + t * n, a.dy + t * C};
    switch (n) {
      case 0: std::fill(k.dy, k.dy + C, 0.f); break;
      case 1: post_bwd_fixed<1>(k, C); break;
      case 2: post_bwd_fixed<2>(k, C); break;
      case 3: post_bwd_fixed<3>(k, C); break;
      case 4: post_bwd_fixed<4>(k, C); break;
      default: post_bwd_any(k, n, C); break;
    }
  }
}
ZOO_AVX2 void post_bwd_avx2(const PostBwd& a, size_t t0, size_t t1) { post_bwd_tokens(a, t0, t1); }
void post_bwd_generic(const PostBwd& a, size_t t0, size_t t1) { post_bwd_tokens(a, t0, t1); }

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

// hcPreBackward(h, x, dOut, dh, dx, tokens, n, C)
Napi::Value hcPreBackward(const Napi::CallbackInfo& info) {
  ZOO_BUF(h, 0);
  ZOO_BUF(x, 1);
  ZOO_BUF(d, 2);
  ZOO_BUF(dh, 3);
  ZOO_BUF(dx, 4);
  const size_t tokens = arg_int(info, 5), n = arg_int(info, 6), C = arg_int(info, 7);
  if (!sizes_ok(info, {{&h, tokens * n}, {&x, tokens * n * C}, {&d, tokens * C}, {&dh, tokens * n}, {&dx, tokens * n * C}},
                "hcPreBackward: float32 arrays of tokens·n, tokens·n·C, tokens·C, tokens·n and tokens·n·C elements expected")) {
    return info.Env().Undefined();
  }
  const PreBwd a{h.f32(), x.f32(), d.f32(), dh.f32(), dx.f32(), n, C};
  const auto body = use_avx2() ? pre_bwd_avx2 : pre_bwd_generic;
  parallel_for(tokens, grain(2 * n * C + C), [&](size_t t0, size_t t1) { body(a, t0, t1); });
  return info.Env().Undefined();
}

// hcPostResBackward(hres, x, hpost, y, dOut, dhres, dx, dhpost, dy, tokens, n, C)
Napi::Value hcPostResBackward(const Napi::CallbackInfo& info) {
  ZOO_BUF(hres, 0);
  ZOO_BUF(x, 1);
  ZOO_BUF(hpost, 2);
  ZOO_BUF(y, 3);
  ZOO_BUF(d, 4);
  ZOO_BUF(dhres, 5);
  ZOO_BUF(dx, 6);
  ZOO_BUF(dhpost, 7);
  ZOO_BUF(dy, 8);
  const size_t tokens = arg_int(info, 9), n = arg_int(info, 10), C = arg_int(info, 11);
  const size_t nn = tokens * n * n, nc = tokens * n * C;
  if (!sizes_ok(info, {{&hres, nn}, {&x, nc}, {&hpost, tokens * n}, {&y, tokens * C}, {&d, nc}, {&dhres, nn}, {&dx, nc}, {&dhpost, tokens * n}, {&dy, tokens * C}},
                "hcPostResBackward: float32 arrays of tokens·n·n, tokens·n·C, tokens·n, tokens·C, tokens·n·C, then the gradients of the first four expected")) {
    return info.Env().Undefined();
  }
  const PostBwd a{hres.f32(), x.f32(), hpost.f32(), y.f32(), d.f32(), dhres.f32(), dx.f32(), dhpost.f32(), dy.f32(), n, C};
  const auto body = use_avx2() ? post_bwd_avx2 : post_bwd_generic;
  parallel_for(tokens, grain((2 * n + 2) * n * C + C), [&](size_t t0, size_t t1) { body(a, t0, t1); });
  return info.Env().Undefined();
}

}  // namespace exports
}  // namespace zoo
