// Batched matmul, a straightforward placeholder until the packed/blocked GEMM of part B lands
// (kernels.md §4.1): per batch, op(B) is packed into a contiguous (K, N) panel, then rows of C are
// computed in parallel as C[i, :] = Σ_k op(A)[i, k]·B'[k, :] (vectorized axpy, float accumulation).
// aOffsets/bOffsets give each output batch's first element in a and b (broadcast batch dims).
#include <algorithm>

#include "zoo.h"

namespace zoo {
namespace {

ZOO_INLINE void axpy(float* __restrict c, const float* __restrict b, float a, size_t n) {
  for (size_t j = 0; j < n; j++) c[j] += a * b[j];
}
ZOO_AVX2 void axpy_avx2(float* c, const float* b, float a, size_t n) { axpy(c, b, a, n); }
void axpy_generic(float* c, const float* b, float a, size_t n) { axpy(c, b, a, n); }

}  // namespace

namespace exports {

// matmul(a, b, out, aOffsets, bOffsets, M, K, N, transA, transB)
Napi::Value matmul(const Napi::CallbackInfo& info) {
  ZOO_BUF(a, 0);
  ZOO_BUF(b, 1);
  ZOO_BUF(c, 2);
  ZOO_I32S(aOff, nb, 3);
  ZOO_I32S(bOff, nb2, 4);
  const size_t M = arg_int(info, 5), K = arg_int(info, 6), N = arg_int(info, 7);
  const bool tA = arg_int(info, 8) != 0, tB = arg_int(info, 9) != 0;
  bool ok = a.t == F32 && b.t == F32 && c.t == F32 && nb == nb2 && c.n == nb * M * N;
  for (size_t p = 0; ok && p < nb; p++)
    ok = aOff[p] >= 0 && bOff[p] >= 0 && aOff[p] + M * K <= a.n && bOff[p] + K * N <= b.n;
  if (!ok) {
    throw_type(info.Env(), "matmul: bad arguments");
    return info.Env().Undefined();
  }
  const auto f = use_avx2() ? axpy_avx2 : axpy_generic;
  Scratch panel(K * N * sizeof(float));
  float* bp = panel.as<float>();
  for (size_t p = 0; p < nb; p++) {
    const float* A = a.f32() + aOff[p];
    const float* B = b.f32() + bOff[p];
    float* C = c.f32() + p * M * N;
    // B' (K, N): B is (K, N) or, transposed, (N, K).
    for (size_t k = 0; k < K; k++)
      for (size_t j = 0; j < N; j++) bp[k * N + j] = tB ? B[j * K + k] : B[k * N + j];
    parallel_for(M, std::max<size_t>(1, 65536 / std::max<size_t>(K * N, 1)), [&](size_t i0, size_t i1) {
      for (size_t i = i0; i < i1; i++) {
        float* row = C + i * N;
        std::fill(row, row + N, 0.f);
        for (size_t k = 0; k < K; k++) f(row, bp + k * N, tA ? A[k * M + i] : A[i * K + k], N);
      }
    });
  }
  return info.Env().Undefined();
}

}  // namespace exports
}  // namespace zoo
