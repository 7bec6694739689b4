// cumsum along one axis, x viewed as (outer, len, inner): out[o, k, i] = Σ_{j <= k} x[o, j, i]
// (j >= k with reverse). Running sums are kept in double, one per inner position, so rows of
// `inner` are walked contiguously; tasks are (outer, block of inner) pairs.
#include <algorithm>
#include <vector>

#include "zoo.h"

namespace zoo {
namespace {

constexpr size_t kBlock = 1024;

template <class T>
void run(const T* x, const Buf& y, size_t outer, size_t len, size_t inner, bool reverse) {
  const size_t blocks = (inner + kBlock - 1) / kBlock;
  const size_t grain = std::max<size_t>(1, 65536 / std::max<size_t>(len * std::min(inner, kBlock), 1));
  parallel_for(outer * blocks, grain, [&](size_t t0, size_t t1) {
    std::vector<double> acc(std::min(inner, kBlock));
    for (size_t t = t0; t < t1; t++) {
      const size_t o = t / blocks, i0 = (t % blocks) * kBlock, i1 = std::min(inner, i0 + kBlock);
      std::fill(acc.begin(), acc.end(), 0.0);
      for (size_t step = 0; step < len; step++) {
        const size_t k = reverse ? len - 1 - step : step;
        const size_t at = (o * len + k) * inner;
        for (size_t i = i0; i < i1; i++) {
          acc[i - i0] += static_cast<double>(x[at + i]);
          store(y, at + i, acc[i - i0]);
        }
      }
    }
  });
}

}  // namespace

namespace exports {

// cumsum(x, out, outer, len, inner, reverse)
Napi::Value cumsum(const Napi::CallbackInfo& info) {
  ZOO_BUF(x, 0);
  ZOO_BUF(y, 1);
  const size_t outer = arg_int(info, 2), len = arg_int(info, 3), inner = arg_int(info, 4);
  const bool reverse = arg_int(info, 5) != 0;
  if (x.n != y.n || outer * len * inner != x.n) {
    throw_type(info.Env(), "cumsum: lengths do not match (outer, len, inner)");
    return info.Env().Undefined();
  }
  switch (x.t) {
    case F32: run(x.f32(), y, outer, len, inner, reverse); break;
    case I32: run(x.i32(), y, outer, len, inner, reverse); break;
    default: run(x.u8(), y, outer, len, inner, reverse); break;
  }
  return info.Env().Undefined();
}

}  // namespace exports
}  // namespace zoo
