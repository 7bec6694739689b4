// dropout: keep_i = (u_i >= p) with u_i = (word(seed, offset + i) >> 8)·2^-24 (the same Philox words
// as ref, so masks are identical); y_i = keep_i ? x_i / (1 - p) : 0, the product taken in double
// and rounded once, as ref does.
#pragma GCC optimize("fp-contract=off")
#include "rng.h"
#include "zoo.h"

namespace zoo::exports {

// dropout(x, out, p, seed, offset)
Napi::Value dropout(const Napi::CallbackInfo& info) {
  ZOO_BUF(x, 0);
  ZOO_BUF(y, 1);
  const double p = arg_num(info, 2);
  const uint64_t seed = static_cast<uint64_t>(arg_num(info, 3)), offset = static_cast<uint64_t>(arg_num(info, 4));
  if (x.t != F32 || y.t != F32 || x.n != y.n) {
    throw_type(info.Env(), "dropout: float32 arrays of equal length expected");
    return info.Env().Undefined();
  }
  const double scale = 1.0 / (1.0 - p);
  const float* xs = x.f32();
  float* ys = y.f32();
  parallel_for(x.n, 16384, [&](size_t b, size_t e) {
    uint32_t block[4];
    uint64_t cur = UINT64_MAX;
    for (size_t i = b; i < e; i++) {
      const uint64_t idx = offset + i, q = idx >> 2;
      if (q != cur) {
        philox_block(seed, q, block);
        cur = q;
      }
      const double u = (block[idx & 3] >> 8) * (1.0 / 16777216.0);
      ys[i] = u >= p ? static_cast<float>(static_cast<double>(xs[i]) * scale) : 0.f;
    }
  });
  return info.Env().Undefined();
}

}  // namespace zoo::exports
