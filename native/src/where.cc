// where(cond, a, b): out[i] = cond[i'] ? a[i''] : b[i'''] with broadcasting (iter.h); any dtypes,
// values stored as the output's typed array would store them.
#include <algorithm>

#include "iter.h"
#include "zoo.h"

namespace zoo::exports {

// where(cond, a, b, out, shape, cStrides, aStrides, bStrides)
Napi::Value where(const Napi::CallbackInfo& info) {
  ZOO_BUF(c, 0);
  ZOO_BUF(a, 1);
  ZOO_BUF(b, 2);
  ZOO_BUF(y, 3);
  ZOO_I32S(shape, rank, 4);
  ZOO_I32S(sc, nc, 5);
  ZOO_I32S(sa, na, 6);
  ZOO_I32S(sb, nb, 7);
  if (rank < 1 || rank > kMaxRank || nc != rank || na != rank || nb != rank) {
    throw_type(info.Env(), "where: bad shape/stride lengths");
    return info.Env().Undefined();
  }
  Strided<3> it{static_cast<int>(rank), shape, {sc, sa, sb}};
  const size_t n = it.len();
  const int64_t ic = it.inner(0), ia = it.inner(1), ib = it.inner(2);
  const size_t grain = std::max<size_t>(1, 16384 / std::max<size_t>(n, 1));
  const bool fast = c.t == U8 && a.t == F32 && b.t == F32 && y.t == F32;
  parallel_for(it.rows(), grain, [&](size_t r0, size_t r1) {
    it.for_rows(r0, r1, [&](const int64_t* off, size_t r) {
      if (fast) {
        const uint8_t* cp = c.u8() + off[0];
        const float *ap = a.f32() + off[1], *bp = b.f32() + off[2];
        float* yp = y.f32() + r * n;
        for (size_t i = 0; i < n; i++) yp[i] = cp[i * ic] ? ap[i * ia] : bp[i * ib];
      } else {
        for (size_t i = 0; i < n; i++) {
          const bool pick = load(c, off[0] + i * ic) != 0;
          store(y, r * n + i, pick ? load(a, off[1] + i * ia) : load(b, off[2] + i * ib));
        }
      }
    });
  });
  return info.Env().Undefined();
}

}  // namespace zoo::exports
