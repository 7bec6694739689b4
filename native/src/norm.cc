// Normalization kernels (layer_norm, rms_norm, batch_norm, group_norm, instance_norm) and the fused
// backward of the trailing-dims norms (layer_norm_backward, rms_norm_backward).
//
// Forward: x is viewed as (N, C, S) and weight/bias index the C axis. A statistics group is
//   layer / rms:     one row: (rows, len, 1) with G = 1, so weight[j] is per element;
//   group_norm:      (n, g): C/G consecutive channels × S, contiguous;
//   instance_norm:   (n, c): G = C;
//   batch (train):   channel c over all n: N segments of S;
//   batch (eval):    no statistics: the running mean[c] and var[c].
// Per group: m = mean(x) (0 for rms) and Σ(x - m)² from one pass over x - k, k ≈ m from the first
// 8 elements (run_stats: never the cancelling E[x²] - m², a second pass when k is too far off),
// summed in float lanes per 512-element block and in double across blocks; rstd = 1/sqrt(var + eps)
// in double; then y = (x - m)·rstd·w + b in float.
//
// Backward (x, dOut viewed as (rows, len)), one row at a time, g = dOut·w:
//   pass 1: m = mean(x) (layer only)
//   pass 2: ss = Σ(x - m)², sg = Σg, sgd = Σg·(x - m)         (double lanes)
//   rstd = 1/sqrt(ss/len + eps), xhat = (x - m)·rstd, mean(g·xhat) = rstd·sgd/len
//   pass 3: dX = rstd·(g - mean(g) - xhat·mean(g·xhat))   (rms: no mean(g) term), in double
//           dW += dOut·xhat, dB += dOut into per-chunk double partials, summed at the end.
#include <algorithm>
#include <cmath>
#include <vector>

#include "vecmath.h"
#include "zoo.h"

namespace zoo {
namespace {

using vm::V;
using vm::VD;

ZOO_INLINE VD lo4(V v) { return __builtin_convertvector(__builtin_shufflevector(v, v, 0, 1, 2, 3), VD); }
ZOO_INLINE VD hi4(V v) { return __builtin_convertvector(__builtin_shufflevector(v, v, 4, 5, 6, 7), VD); }
ZOO_INLINE double hsum(VD a) { return (a[0] + a[1]) + (a[2] + a[3]); }

/** Σ (x[i] - m)² over n floats, in double lanes. */
ZOO_INLINE double sq_dev(const float* x, size_t n, double m) {
  VD a0{}, a1{};
  size_t i = 0;
  for (; i + vm::kLanes <= n; i += vm::kLanes) {
    const V v = vm::loadv(x + i);
    const VD d0 = lo4(v) - m, d1 = hi4(v) - m;
    a0 += d0 * d0;
    a1 += d1 * d1;
  }
  double s = hsum(a0 + a1);
  for (; i < n; i++) {
    const double d = static_cast<double>(x[i]) - m;
    s += d * d;
  }
  return s;
}

// Forward statistics in float lanes within blocks of kBlock elements, blocks
// combined in double: as accurate as double accumulation for the row lengths of real models, and
// free of the float→double conversions that made the double version compute bound in L2.
constexpr size_t kBlock = 512;

ZOO_INLINE double hsum_f(V a) {
  return hsum(lo4(a) + hi4(a));
}

// Four accumulators of 8 lanes: the add (3-4 cycles latency) must not serialize the loop.
constexpr size_t kStep = 4 * vm::kLanes;

/** Σ (x[i] - m)² over n floats, m a float (float lanes per block, blocks in double). */
ZOO_INLINE double sq_dev_blocked(const float* x, size_t n, float m) {
  double total = 0;
  size_t i = 0;
  while (i + kStep <= n) {
    const size_t stop = i + std::min(kBlock, (n - i) / kStep * kStep);
    V a0{}, a1{}, a2{}, a3{};
    for (; i < stop; i += kStep) {
      const V d0 = vm::loadv(x + i) - m, d1 = vm::loadv(x + i + 8) - m, d2 = vm::loadv(x + i + 16) - m, d3 = vm::loadv(x + i + 24) - m;
      a0 += d0 * d0;
      a1 += d1 * d1;
      a2 += d2 * d2;
      a3 += d3 * d3;
    }
    total += hsum_f((a0 + a1) + (a2 + a3));
  }
  for (; i < n; i++) {
    const double d = static_cast<double>(x[i]) - m;
    total += d * d;
  }
  return total;
}

/**
 * Σ(x[i] - k) and Σ(x[i] - k)² over n floats in one pass (float lanes per block, blocks in double).
 * NOTE: the tail must be summed in double like the blocks: a float tail of up to 31 terms adds
 * nothing measurable but would make short rows less accurate than long ones.
 */
ZOO_INLINE void shifted_sums(const float* x, size_t n, float k, double& s1, double& s2) {
  s1 = 0, s2 = 0;
  size_t i = 0;
  while (i + kStep <= n) {
    const size_t stop = i + std::min(kBlock, (n - i) / kStep * kStep);
    V a0{}, a1{}, a2{}, a3{}, q0{}, q1{}, q2{}, q3{};
    for (; i < stop; i += kStep) {
      const V d0 = vm::loadv(x + i) - k, d1 = vm::loadv(x + i + 8) - k, d2 = vm::loadv(x + i + 16) - k, d3 = vm::loadv(x + i + 24) - k;
      a0 += d0, a1 += d1, a2 += d2, a3 += d3;
      q0 += d0 * d0, q1 += d1 * d1, q2 += d2 * d2, q3 += d3 * d3;
    }
    s1 += hsum_f((a0 + a1) + (a2 + a3));
    s2 += hsum_f((q0 + q1) + (q2 + q3));
  }
  for (; i < n; i++) {
    const double d = static_cast<double>(x[i]) - k;
    s1 += d, s2 += d * d;
  }
}

/**
 * mean (0 for rms) and Σ(x - mean)² of one run of n floats.
 * layer/group/instance: one pass over x - k, k = the mean of the first (up to) 8 elements:
 *   mean = k + S1/n,  Σ(x - mean)² = S2 - S1·(S1/n),  S1 = Σ(x - k), S2 = Σ(x - k)²
 * The subtraction loses log2(S2/(S2 - S1²/n)) bits; when S1²/n > S2/2 (more than one bit: k far
 * from the mean in units of the spread, ~1% of rows of iid data) the run takes the second pass
 * Σ(x - mean)² instead, so the result is never less accurate than two passes to within a factor 2.
 * NOTE: when the float sums are not finite (an inf or NaN in the run, or squares beyond float range)
 * the run is redone in double, so overflow never differs from ref.
 */
ZOO_INLINE void run_stats(const float* x, size_t n, bool rms, double& mean, double& ss) {
  if (rms) {
    mean = 0.0;
    ss = sq_dev_blocked(x, n, 0.f);
  } else {
    const size_t head = std::min<size_t>(n, vm::kLanes);
    float k = 0;
    for (size_t i = 0; i < head; i++) k += x[i];
    k /= static_cast<float>(head);
    double s1, s2;
    shifted_sums(x, n, k, s1, s2);
    const double d = s1 / static_cast<double>(n), drop = s1 * d;
    mean = k + d;
    ss = s2 - drop;
    if (!(drop <= 0.5 * s2)) ss = sq_dev_blocked(x, n, static_cast<float>(mean));  // also NaN/inf sums
  }
  if (!std::isfinite(mean) || !std::isfinite(ss)) {
    mean = rms ? 0.0 : vm::sum_d(x, n) / static_cast<double>(n);
    ss = sq_dev(x, n, mean);
  }
}

/** y = (x - m)·r·w[i] + b[i] over n floats (w, b may be null: per-element parameters). */
ZOO_INLINE void apply_row(const float* __restrict x, float* __restrict y, size_t n, float m, float r, const float* w, const float* b) {
  size_t i = 0;
  for (; i + vm::kLanes <= n; i += vm::kLanes) {
    V v = (vm::loadv(x + i) - m) * r;
    if (w) v = v * vm::loadv(w + i);
    if (b) v = v + vm::loadv(b + i);
    vm::storev(y + i, v);
  }
  for (; i < n; i++) {
    float v = (x[i] - m) * r;
    if (w) v = v * w[i];
    if (b) v = v + b[i];
    y[i] = v;
  }
}

/** y = ((x - m)·r)·w + b over n floats with one channel's w and b (1 and 0 when absent, as ref). */
ZOO_INLINE void apply_channel(const float* __restrict x, float* __restrict y, size_t n, float m, float r, float w, float b) {
  size_t i = 0;
  for (; i + vm::kLanes <= n; i += vm::kLanes) vm::storev(y + i, ((vm::loadv(x + i) - m) * r) * w + b);
  for (; i < n; i++) y[i] = ((x[i] - m) * r) * w + b;
}

enum Mode { kLayer = 0, kRms = 1, kBatchTrain = 2, kBatchEval = 3 };

struct Forward {
  const float *x, *w, *b, *mean, *var;
  float* y;
  size_t n, c, s, groups;
  double eps;
  int mode;
};

ZOO_INLINE float rstd_of(double ss, size_t count, double eps) { return static_cast<float>(1.0 / std::sqrt(ss / static_cast<double>(count) + eps)); }

/** Statistics groups [g0, g1) of layer / rms / group / instance norm (groups are contiguous). */
ZOO_INLINE void forward_groups(const Forward& p, size_t g0, size_t g1) {
  const size_t cpg = p.c / p.groups, len = cpg * p.s;
  const bool rms = p.mode == kRms;
  // NOTE: the statistics of group ng + 1 are taken before group ng is normalized: the two are
  // independent, so the latency of one reduction's tail (horizontal sums, sqrt, divide) hides
  // behind the other's stream of vector work instead of stalling every group (1.4x on (1024, 256) with the one-pass statistics).
  double m, ss;
  if (g0 < g1) run_stats(p.x + g0 * len, len, rms, m, ss);
  for (size_t ng = g0; ng < g1; ng++) {
    const float* x = p.x + ng * len;
    float* y = p.y + ng * len;
    const float r = rstd_of(ss, len, p.eps), mf = static_cast<float>(m);
    if (ng + 1 < g1) run_stats(x + len, len, rms, m, ss);
    const size_t c0 = (ng % p.groups) * cpg;
    if (p.s == 1) {
      apply_row(x, y, len, mf, r, p.w ? p.w + c0 : nullptr, p.b ? p.b + c0 : nullptr);
    } else {
      for (size_t k = 0; k < cpg; k++) apply_channel(x + k * p.s, y + k * p.s, p.s, mf, r, p.w ? p.w[c0 + k] : 1.f, p.b ? p.b[c0 + k] : 0.f);
    }
  }
}

/** batch_norm in training mode, channels [c0, c1): statistics over the N segments of S. */
ZOO_INLINE void forward_batch(const Forward& p, size_t c0, size_t c1) {
  const size_t count = p.n * p.s;
  for (size_t c = c0; c < c1; c++) {
    double sum = 0, ss = 0;
    for (size_t n = 0; n < p.n; n++) sum += vm::sum_d(p.x + (n * p.c + c) * p.s, p.s);
    const double m = sum / static_cast<double>(count);
    for (size_t n = 0; n < p.n; n++) ss += sq_dev(p.x + (n * p.c + c) * p.s, p.s, m);
    const float r = rstd_of(ss, count, p.eps), mf = static_cast<float>(m);
    for (size_t n = 0; n < p.n; n++) {
      const size_t at = (n * p.c + c) * p.s;
      apply_channel(p.x + at, p.y + at, p.s, mf, r, p.w ? p.w[c] : 1.f, p.b ? p.b[c] : 0.f);
    }
  }
}

/** batch_norm in eval mode, (n, c) segments [t0, t1): the running statistics. */
ZOO_INLINE void forward_eval(const Forward& p, size_t t0, size_t t1) {
  for (size_t t = t0; t < t1; t++) {
    const size_t c = t % p.c;
    const float r = static_cast<float>(1.0 / std::sqrt(static_cast<double>(p.var[c]) + p.eps));
    apply_channel(p.x + t * p.s, p.y + t * p.s, p.s, p.mean[c], r, p.w ? p.w[c] : 1.f, p.b ? p.b[c] : 0.f);
  }
}

ZOO_INLINE void forward_range(const Forward& p, size_t i0, size_t i1) {
  if (p.mode == kBatchTrain) forward_batch(p, i0, i1);
  else if (p.mode == kBatchEval) forward_eval(p, i0, i1);
  else forward_groups(p, i0, i1);
}
ZOO_AVX2 void forward_avx2(const Forward& p, size_t i0, size_t i1) { forward_range(p, i0, i1); }
void forward_generic(const Forward& p, size_t i0, size_t i1) { forward_range(p, i0, i1); }

struct Backward {
  const float *x, *dy, *w;
  float* dx;
  size_t len;
  double eps;
  bool rms;
};

/** g = dOut·w for 4 lanes in double (w may be null). */
ZOO_INLINE VD grad4(VD d, const float* w, size_t i) {
  if (!w) return d;
  VD wd;
  for (int k = 0; k < 4; k++) wd[k] = w[i + k];
  return d * wd;
}

ZOO_INLINE void add4(double* p, VD v) {
  VD a;
  std::memcpy(&a, p, sizeof a);
  a += v;
  std::memcpy(p, &a, sizeof a);
}

/**
 * Rows [r0, r1) of the backward pass; dW/dB partials (length len, double) may be null.
 * NOTE: dX is formed in double: g - mean(g) - xhat·mean(g·xhat) cancels badly when g is nearly
 * parallel to xhat (always so for one-element rms rows), and float32 would lose those digits.
 */
ZOO_INLINE void backward_rows(const Backward& p, size_t r0, size_t r1, double* dw, double* db) {
  const size_t len = p.len;
  const double inv = 1.0 / static_cast<double>(len);
  for (size_t r = r0; r < r1; r++) {
    const float *x = p.x + r * len, *dy = p.dy + r * len;
    float* dx = p.dx + r * len;
    const double m = p.rms ? 0.0 : vm::sum_d(x, len) * inv;
    VD ss4{}, sg4{}, sd4{};
    size_t i = 0;
    for (; i + 4 <= len; i += 4) {
      VD xd, gd;
      for (int k = 0; k < 4; k++) xd[k] = x[i + k], gd[k] = dy[i + k];
      const VD d = xd - m, g = grad4(gd, p.w, i);
      ss4 += d * d;
      sg4 += g;
      sd4 += g * d;
    }
    double ss = hsum(ss4), sg = hsum(sg4), sgd = hsum(sd4);
    for (; i < len; i++) {
      const double d = static_cast<double>(x[i]) - m, g = p.w ? static_cast<double>(dy[i]) * p.w[i] : dy[i];
      ss += d * d;
      sg += g;
      sgd += g * d;
    }
    const double rstd = 1.0 / std::sqrt(ss * inv + p.eps);
    const double mg = p.rms ? 0.0 : sg * inv, mgx = rstd * sgd * inv;
    if (p.rms && len == 1) {
      // NOTE: a one-element rms row is pure cancellation, g - xhat·(g·xhat) = g·(1 - xhat²), even in
      // double; 1 - xhat² = eps·rstd² exactly, so that form is used (not for infinite g or x: NaN as ref).
      const double g = p.w ? static_cast<double>(dy[0]) * p.w[0] : dy[0], xh = x[0] * rstd;
      dx[0] = static_cast<float>(std::isfinite(g) && std::isfinite(xh) ? rstd * (g * (p.eps * rstd * rstd)) : rstd * (g - xh * mgx));
      if (dw) dw[0] += dy[0] * xh;
      continue;
    }
    i = 0;
    for (; i + 4 <= len; i += 4) {
      VD xd, dd;
      for (int k = 0; k < 4; k++) xd[k] = x[i + k], dd[k] = dy[i + k];
      const VD xh = (xd - m) * rstd, g = grad4(dd, p.w, i);
      const VD out = rstd * ((g - mg) - xh * mgx);
      for (int k = 0; k < 4; k++) dx[i + k] = static_cast<float>(out[k]);
      if (dw) add4(dw + i, dd * xh);
      if (db) add4(db + i, dd);
    }
    for (; i < len; i++) {
      const double xh = (static_cast<double>(x[i]) - m) * rstd, g = p.w ? static_cast<double>(dy[i]) * p.w[i] : dy[i];
      dx[i] = static_cast<float>(rstd * ((g - mg) - xh * mgx));
      if (dw) dw[i] += dy[i] * xh;
      if (db) db[i] += dy[i];
    }
  }
}
ZOO_AVX2 void backward_avx2(const Backward& p, size_t r0, size_t r1, double* dw, double* db) { backward_rows(p, r0, r1, dw, db); }
void backward_generic(const Backward& p, size_t r0, size_t r1, double* dw, double* db) { backward_rows(p, r0, r1, dw, db); }

/** An optional float32 argument: empty (absent) or exactly `want` elements. */
bool optional(const Buf& b, size_t want) { return b.t == F32 && (b.n == 0 || b.n == want); }
const float* opt_ptr(const Buf& b) { return b.n ? b.f32() : nullptr; }

}  // namespace

namespace exports {

// normForward(mode, x, weight, bias, mean, var, out, n, c, s, groups, eps); absent arrays are empty.
// mode: 0 layer/group/instance, 1 rms, 2 batch training, 3 batch eval (mean/var are the running stats).
Napi::Value normForward(const Napi::CallbackInfo& info) {
  const int mode = static_cast<int>(arg_int(info, 0));
  ZOO_BUF(x, 1);
  ZOO_BUF(w, 2);
  ZOO_BUF(b, 3);
  ZOO_BUF(mean, 4);
  ZOO_BUF(var, 5);
  ZOO_BUF(y, 6);
  const int64_t n = arg_int(info, 7), c = arg_int(info, 8), s = arg_int(info, 9), groups = arg_int(info, 10);
  const double eps = arg_num(info, 11);
  const bool dims = n >= 0 && c >= 1 && s >= 0 && groups >= 1 && c % groups == 0 && mode >= 0 && mode <= 3;
  const size_t total = dims ? static_cast<size_t>(n) * c * s : 0;
  const bool stats = mode != kBatchEval || (mean.t == F32 && var.t == F32 && mean.n == size_t(c) && var.n == size_t(c));
  if (!dims || x.t != F32 || y.t != F32 || x.n != total || y.n != total || !optional(w, c) || !optional(b, c) || !stats) {
    throw_type(info.Env(), "normForward: float32 x/out of n·c·s elements, weight/bias empty or c, groups dividing c expected");
    return info.Env().Undefined();
  }
  if (total == 0) return info.Env().Undefined();
  Forward p{x.f32(), opt_ptr(w), opt_ptr(b), mode == kBatchEval ? mean.f32() : nullptr, mode == kBatchEval ? var.f32() : nullptr, y.f32(),
            size_t(n), size_t(c), size_t(s), size_t(groups), eps, mode};
  const auto f = use_avx2() ? forward_avx2 : forward_generic;
  size_t units, per;  // work items and elements per item
  if (mode == kBatchTrain) units = p.c, per = p.n * p.s;
  else if (mode == kBatchEval) units = p.n * p.c, per = p.s;
  else units = p.n * p.groups, per = total / (p.n * p.groups);
  parallel_for(units, std::max<size_t>(1, 16384 / std::max<size_t>(per, 1)), [&](size_t i0, size_t i1) { f(p, i0, i1); });
  return info.Env().Undefined();
}

// normBackward(rms, x, dOut, weight, dx, dWeight, dBias, rows, len, eps); absent arrays are empty.
Napi::Value normBackward(const Napi::CallbackInfo& info) {
  const bool rms = arg_int(info, 0) != 0;
  ZOO_BUF(x, 1);
  ZOO_BUF(dy, 2);
  ZOO_BUF(w, 3);
  ZOO_BUF(dx, 4);
  ZOO_BUF(dw, 5);
  ZOO_BUF(db, 6);
  const int64_t rows = arg_int(info, 7), len = arg_int(info, 8);
  const double eps = arg_num(info, 9);
  const size_t total = rows >= 0 && len >= 1 ? size_t(rows) * size_t(len) : 0;
  if (rows < 0 || len < 1 || x.t != F32 || dy.t != F32 || dx.t != F32 || x.n != total || dy.n != total || dx.n != total || !optional(w, len) ||
      !optional(dw, len) || !optional(db, len)) {
    throw_type(info.Env(), "normBackward: float32 x/dOut/dx of rows·len elements, weight/dWeight/dBias empty or len expected");
    return info.Env().Undefined();
  }
  const size_t L = size_t(len), R = size_t(rows);
  Backward p{x.f32(), dy.f32(), opt_ptr(w), dx.f32(), L, eps, rms};
  const auto f = use_avx2() ? backward_avx2 : backward_generic;
  const bool params = dw.n || db.n;
  if (!params) {
    parallel_for(R, std::max<size_t>(1, 8192 / L), [&](size_t r0, size_t r1) { f(p, r0, r1, nullptr, nullptr); });
    return info.Env().Undefined();
  }
  // Fixed row chunks, each with its own double partials (so the sums do not depend on scheduling).
  const size_t chunks = std::max<size_t>(1, std::min(R, size_t(thread_count()) * 2));
  const size_t step = R ? (R + chunks - 1) / chunks : 0;
  std::vector<double> part(chunks * L * 2, 0.0);
  parallel_for(chunks, 1, [&](size_t k0, size_t k1) {
    for (size_t k = k0; k < k1; k++) {
      double* pw = dw.n ? part.data() + k * 2 * L : nullptr;
      double* pb = db.n ? part.data() + k * 2 * L + L : nullptr;
      f(p, std::min(R, k * step), std::min(R, (k + 1) * step), pw, pb);
    }
  });
  for (size_t j = 0; j < L; j++) {
    double sw = 0, sb = 0;
    for (size_t k = 0; k < chunks; k++) {
      sw += part[k * 2 * L + j];
      sb += part[k * 2 * L + L + j];
    }
    if (dw.n) dw.f32()[j] = static_cast<float>(sw);
    if (db.n) db.f32()[j] = static_cast<float>(sb);
  }
  return info.Env().Undefined();
}

}  // namespace exports
}  // namespace zoo
