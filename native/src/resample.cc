// Separable resampling of (H, W) planes (engine/ops/nn/resample-util.ts): per spatial dim, output
// index i reads a few input indices with weights (taps), so
//   out[p, i, j] = Σ_v wW[j][v] · Σ_u wH[i][u] · x[p, iH[i][u], iW[j][v]].
// adaptive_avg_pool2d (window means), upsample (nearest, bilinear) and avg_pool2d (in-range window
// taps weighted 1/divisor per dim) all take this form; kernels/native/resample.ts builds the taps.
// One output row at a time: the row taps are folded into a W-long row (vectorizable), then every
// output column gathers its column taps from it. Planes × rows go to the pool.
#include <algorithm>
#include <vector>

#include "zoo.h"

namespace zoo {
namespace {

struct Taps {
  const int32_t* off;  // oh + 1 (rows) or ow + 1 (columns) offsets into idx/wt
  const int32_t* idx;
  const float* wt;
};

/** Offsets non-decreasing within [0, n] and every index they cover in [0, size). */
bool taps_ok(const int32_t* off, size_t outs, const int32_t* idx, size_t n, size_t size) {
  for (size_t i = 0; i < outs; i++) {
    if (off[i] < 0 || off[i] > off[i + 1] || static_cast<size_t>(off[i + 1]) > n) return false;
    for (int32_t t = off[i]; t < off[i + 1]; t++)
      if (idx[t] < 0 || static_cast<size_t>(idx[t]) >= size) return false;
  }
  return true;
}

void resample_rows(const float* x, float* out, size_t H, size_t W, size_t oh, size_t ow, const Taps& th, const Taps& tw, size_t q0,
                   size_t q1) {
  std::vector<float> row(W);
  for (size_t q = q0; q < q1; q++) {
    const size_t p = q / oh, i = q % oh;
    const float* xp = x + p * H * W;
    std::fill(row.begin(), row.end(), 0.f);
    for (int32_t u = th.off[i]; u < th.off[i + 1]; u++) {
      const float a = th.wt[u];
      const float* xr = xp + static_cast<size_t>(th.idx[u]) * W;
      for (size_t c = 0; c < W; c++) row[c] += a * xr[c];
    }
    float* o = out + q * ow;
    for (size_t j = 0; j < ow; j++) {
      float acc = 0.f;
      for (int32_t v = tw.off[j]; v < tw.off[j + 1]; v++) acc += tw.wt[v] * row[tw.idx[v]];
      o[j] = acc;
    }
  }
}

}  // namespace

namespace exports {

// resample(x, out, planes, H, W, oh, ow, taps, weights): taps = [row offsets (oh+1), column offsets
// (ow+1), indices...], weights one per index; offsets index the indices (rows first, then columns).
Napi::Value resample(const Napi::CallbackInfo& info) {
  ZOO_BUF(x, 0);
  ZOO_BUF(out, 1);
  const int64_t planes = arg_int(info, 2), H = arg_int(info, 3), W = arg_int(info, 4), oh = arg_int(info, 5), ow = arg_int(info, 6);
  ZOO_I32S(taps, T, 7);
  ZOO_BUF(wts, 8);
  bool ok = x.t == F32 && out.t == F32 && wts.t == F32 && planes >= 0 && H >= 0 && W >= 0 && oh >= 0 && ow >= 0;
  ok = ok && x.n == static_cast<size_t>(planes * H * W) && out.n == static_cast<size_t>(planes * oh * ow);
  const size_t heads = static_cast<size_t>(oh + ow + 2);
  ok = ok && T >= heads && wts.n == T - heads;
  Taps th{}, tw{};
  if (ok) {
    const size_t n = T - heads;
    th = {taps, taps + heads, wts.f32()};
    tw = {taps + oh + 1, taps + heads, wts.f32()};
    ok = taps_ok(th.off, oh, th.idx, n, H) && taps_ok(tw.off, ow, tw.idx, n, W);
  }
  if (!ok) {
    throw_type(info.Env(), "resample: bad arguments");
    return info.Env().Undefined();
  }
  if (out.n == 0) return info.Env().Undefined();
  const size_t grain = std::max<size_t>(1, 16384 / static_cast<size_t>(std::max<int64_t>(W + ow, 1)));
  parallel_for(planes * oh, grain, [&](size_t q0, size_t q1) { resample_rows(x.f32(), out.f32(), H, W, oh, ow, th, tw, q0, q1); });
  return info.Env().Undefined();
}

}  // namespace exports
}  // namespace zoo
