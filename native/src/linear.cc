// linear: y = act(x Wᵀ + b) + residual (engine/ops/linalg/linear.ts) on matmul.cc's packed sgemm
// with the epilogue fused into each C tile's write-back (gemm.h): x (M, K) row-major, W (N, K) is
// op(B) transposed, so no copy of W is made; bias (N) and residual (M, N) are optional.
#include "gemm.h"
#include "zoo.h"

namespace zoo::exports {

// linear(x, w, bias | null, residual | null, out, M, K, N, activation)
Napi::Value linear(const Napi::CallbackInfo& info) {
  ZOO_BUF(x, 0);
  ZOO_BUF(w, 1);
  // Optional inputs: null or undefined means absent.
  const auto optional = [&](size_t i, Buf& out) {
    return i < info.Length() && (info[i].IsNull() || info[i].IsUndefined()) ? true : arg_buf(info, i, out);
  };
  Buf bias, res;
  if (!optional(2, bias) || !optional(3, res)) return info.Env().Undefined();
  ZOO_BUF(out, 4);
  const size_t M = arg_int(info, 5), K = arg_int(info, 6), N = arg_int(info, 7);
  const int64_t act = arg_int(info, 8);
  const bool ok = x.t == F32 && w.t == F32 && out.t == F32 && x.n == M * K && w.n == N * K && out.n == M * N &&
                  (!bias.p || (bias.t == F32 && bias.n == N)) && (!res.p || (res.t == F32 && res.n == M * N)) &&
                  act >= kActNone && act <= kActSilu && (!res.p || res.p != out.p);
  if (!ok) {
    throw_type(info.Env(), "linear: bad arguments");
    return info.Env().Undefined();
  }
  GemmEpilogue epi;
  epi.bias = bias.p ? bias.f32() : nullptr;
  epi.residual = res.p ? res.f32() : nullptr;
  epi.activation = static_cast<int>(act);
  sgemm_fused(x.f32(), w.f32(), out.f32(), M, K, N, false, true, epi);
  return info.Env().Undefined();
}

}  // namespace zoo::exports
