// Machine-peak probes for the benchmark harness (suites/harness/bench/limits.ts, hooks.ts;
// kernels.md §1): fmaPeak, a register-only loop of 12 independent vfmadd ymm chains per thread
// (Zen 3 retires 2 FMAs per clock at 4-5 cycles latency, so 8-10 chains are the minimum to fill
// both pipes; 12 leaves headroom), and triad, a multi-threaded STREAM triad a = b + s·c.
#include <algorithm>
#include <atomic>
#include <chrono>

#include "zoo.h"

#if ZOO_X86
#include <immintrin.h>
#endif

namespace zoo {
namespace {

volatile float g_sink = 0.f;  // keeps the FMA chains' results alive

constexpr int kChains = 12;
constexpr double kFlopsPerIter = kChains * 8 * 2;  // 12 ymm FMAs × 8 lanes × (mul + add)

#if ZOO_X86
/** `iters` iterations of 12 independent FMA chains, all in registers. */
ZOO_AVX2 __attribute__((noinline)) void fma_chains_avx2(size_t iters) {
  // Named locals (an array would live in memory and chain through store forwarding).
  __m256 a0 = _mm256_set1_ps(1.000f), a1 = _mm256_set1_ps(1.001f), a2 = _mm256_set1_ps(1.002f);
  __m256 a3 = _mm256_set1_ps(1.003f), a4 = _mm256_set1_ps(1.004f), a5 = _mm256_set1_ps(1.005f);
  __m256 a6 = _mm256_set1_ps(1.006f), a7 = _mm256_set1_ps(1.007f), a8 = _mm256_set1_ps(1.008f);
  __m256 a9 = _mm256_set1_ps(1.009f), a10 = _mm256_set1_ps(1.010f), a11 = _mm256_set1_ps(1.011f);
  const __m256 m = _mm256_set1_ps(0.9999999f), c = _mm256_set1_ps(1e-7f);
  for (size_t it = 0; it < iters; it++) {
    a0 = _mm256_fmadd_ps(a0, m, c);
    a1 = _mm256_fmadd_ps(a1, m, c);
    a2 = _mm256_fmadd_ps(a2, m, c);
    a3 = _mm256_fmadd_ps(a3, m, c);
    a4 = _mm256_fmadd_ps(a4, m, c);
    a5 = _mm256_fmadd_ps(a5, m, c);
    a6 = _mm256_fmadd_ps(a6, m, c);
    a7 = _mm256_fmadd_ps(a7, m, c);
    a8 = _mm256_fmadd_ps(a8, m, c);
    a9 = _mm256_fmadd_ps(a9, m, c);
    a10 = _mm256_fmadd_ps(a10, m, c);
    a11 = _mm256_fmadd_ps(a11, m, c);
  }
  __m256 s = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)),
                           _mm256_add_ps(_mm256_add_ps(a4, a5), _mm256_add_ps(a6, a7)));
  s = _mm256_add_ps(s, _mm256_add_ps(_mm256_add_ps(a8, a9), _mm256_add_ps(a10, a11)));
  float out[8];
  _mm256_storeu_ps(out, s);
  g_sink = out[0] + out[7];
}
#endif

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

ZOO_INLINE void triad_body(float* __restrict a, const float* __restrict b, const float* __restrict c, float s, size_t n) {
  for (size_t i = 0; i < n; i++) a[i] = b[i] + s * c[i];
}
ZOO_AVX2 void triad_avx2(float* a, const float* b, const float* c, float s, size_t n) { triad_body(a, b, c, s, n); }
void triad_generic(float* a, const float* b, const float* c, float s, size_t n) { triad_body(a, b, c, s, n); }

}  // namespace

namespace exports {

// fmaPeak(threads, ms) -> FLOP/s of `threads` copies of the FMA loop run on the pool for about
// `ms` milliseconds. Each copy does a fixed iteration count (calibrated on the caller first), and
// the rate is total FLOPs over wall time, so it stays right however the pool hands out the copies.
// Without AVX2+FMA (CPU or ZOO_ISA=scalar) it returns undefined: no number is guessed.
Napi::Value fmaPeak(const Napi::CallbackInfo& info) {
  const int64_t threads = std::max<int64_t>(1, std::min<int64_t>(arg_int(info, 0), 1024));
  const double ms = std::max(1.0, std::min(arg_num(info, 1), 60000.0));
#if ZOO_X86
  if (use_avx2()) {
    // Calibrate: grow the iteration count until one copy takes >= 5 ms.
    size_t iters = 1 << 14;
    double t = 0;
    for (;;) {
      auto t0 = std::chrono::steady_clock::now();
      fma_chains_avx2(iters);
      t = seconds_since(t0);
      if (t >= 0.005 || iters > (size_t(1) << 40)) break;
      iters *= 4;
    }
    const size_t per = std::max<size_t>(1, static_cast<size_t>(iters * (ms / 1000.0) / t));
    auto t0 = std::chrono::steady_clock::now();
    parallel_for(static_cast<size_t>(threads), 1, [&](size_t c0, size_t c1) {
      for (size_t c = c0; c < c1; c++) fma_chains_avx2(per);
    });
    const double wall = seconds_since(t0);
    return Napi::Number::New(info.Env(), static_cast<double>(threads) * per * kFlopsPerIter / wall);
  }
#endif
  (void)threads;
  (void)ms;
  return info.Env().Undefined();
}

// triad(a, b, c, s): a = b + s·c over float32 arrays of one length, on all pool threads.
Napi::Value triad(const Napi::CallbackInfo& info) {
  ZOO_BUF(a, 0);
  ZOO_BUF(b, 1);
  ZOO_BUF(c, 2);
  const float s = static_cast<float>(arg_num(info, 3));
  if (a.t != F32 || b.t != F32 || c.t != F32 || b.n != a.n || c.n != a.n) {
    throw_type(info.Env(), "triad: a, b, c must be Float32Arrays of one length");
    return info.Env().Undefined();
  }
  const auto f = use_avx2() ? triad_avx2 : triad_generic;
  float* pa = a.f32();
  const float *pb = b.f32(), *pc = c.f32();
  parallel_for(a.n, 1 << 16, [&](size_t i0, size_t i1) { f(pa + i0, pb + i0, pc + i0, s, i1 - i0); });
  return info.Env().Undefined();
}

}  // namespace exports
}  // namespace zoo
