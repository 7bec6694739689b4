// Sliding-window kernels driven by a tap table (kernels/ref/conv-util.ts blockTaps): for kernel
// offset kk and output position l, taps[kk·L + l] is the offset of the input pixel inside one
// (H, W) plane, or -1 where the window reads padding. unfold gathers, fold scatter-adds (its
// adjoint), max_pool2d takes the max (NaN wins; the index of the first in-range tap for windows of
// -inf, `fallback[l]` for windows that read only padding).
#include <algorithm>
#include <cmath>
#include <vector>

#include "zoo.h"

namespace zoo::exports {

namespace {
bool taps_ok(const int32_t* taps, size_t n, size_t planeSize) {
  for (size_t i = 0; i < n; i++)
    if (taps[i] >= static_cast<int64_t>(planeSize)) return false;
  return true;
}
}  // namespace

// tapsGather(x, out, planes, planeSize, taps): out[p, t] = taps[t] < 0 ? 0 : x[p, taps[t]].
Napi::Value tapsGather(const Napi::CallbackInfo& info) {
  ZOO_BUF(x, 0);
  ZOO_BUF(out, 1);
  const size_t planes = arg_int(info, 2), hw = arg_int(info, 3);
  ZOO_I32S(taps, T, 4);
  if (x.t != F32 || out.t != F32 || x.n != planes * hw || out.n != planes * T || !taps_ok(taps, T, hw)) {
    throw_type(info.Env(), "tapsGather: bad arguments");
    return info.Env().Undefined();
  }
  parallel_for(planes, std::max<size_t>(1, 16384 / std::max<size_t>(T, 1)), [&](size_t p0, size_t p1) {
    for (size_t p = p0; p < p1; p++) {
      const float* xp = x.f32() + p * hw;
      float* op = out.f32() + p * T;
      for (size_t t = 0; t < T; t++) op[t] = taps[t] < 0 ? 0.f : xp[taps[t]];
    }
  });
  return info.Env().Undefined();
}

// tapsScatter(cols, out, planes, planeSize, taps): out[p, taps[t]] += cols[p, t] (double accumulation).
Napi::Value tapsScatter(const Napi::CallbackInfo& info) {
  ZOO_BUF(cols, 0);
  ZOO_BUF(out, 1);
  const size_t planes = arg_int(info, 2), hw = arg_int(info, 3);
  ZOO_I32S(taps, T, 4);
  if (cols.t != F32 || out.t != F32 || out.n != planes * hw || cols.n != planes * T || !taps_ok(taps, T, hw)) {
    throw_type(info.Env(), "tapsScatter: bad arguments");
    return info.Env().Undefined();
  }
  parallel_for(planes, 1, [&](size_t p0, size_t p1) {
    std::vector<double> acc(hw);
    for (size_t p = p0; p < p1; p++) {
      std::fill(acc.begin(), acc.end(), 0.0);
      const float* cp = cols.f32() + p * T;
      for (size_t t = 0; t < T; t++)
        if (taps[t] >= 0) acc[taps[t]] += cp[t];
      float* op = out.f32() + p * hw;
      for (size_t i = 0; i < hw; i++) op[i] = static_cast<float>(acc[i]);
    }
  });
  return info.Env().Undefined();
}

// tapsMax(x, vals, idx, planes, planeSize, taps, fallback): per window l of L = fallback.length outputs.
Napi::Value tapsMax(const Napi::CallbackInfo& info) {
  ZOO_BUF(x, 0);
  ZOO_BUF(vals, 1);
  ZOO_BUF(idx, 2);
  const size_t planes = arg_int(info, 3), hw = arg_int(info, 4);
  ZOO_I32S(taps, T, 5);
  ZOO_I32S(fallback, L, 6);
  if (x.t != F32 || vals.t != F32 || idx.t != I32 || x.n != planes * hw || vals.n != planes * L || idx.n != planes * L ||
      (L > 0 && T % L != 0) || !taps_ok(taps, T, hw)) {
    throw_type(info.Env(), "tapsMax: bad arguments");
    return info.Env().Undefined();
  }
  const size_t K = L ? T / L : 0;
  parallel_for(planes * L, 4096, [&](size_t q0, size_t q1) {
    for (size_t q = q0; q < q1; q++) {
      const size_t p = q / L, l = q % L;
      const float* xp = x.f32() + p * hw;
      float best = -INFINITY;
      int32_t arg = -1;
      for (size_t kk = 0; kk < K; kk++) {
        const int32_t t = taps[kk * L + l];
        if (t < 0) continue;
        if (arg < 0) arg = t;
        const float v = xp[t];
        if (v > best || v != v) {
          best = v;
          arg = t;
        }
      }
      vals.f32()[q] = best;
      idx.i32()[q] = arg < 0 ? fallback[l] : arg;
    }
  });
  return info.Env().Undefined();
}

}  // namespace zoo::exports
