// Sinkhorn-Knopp over (count, n, n) float32 matrices (mHC Eq. 9; kernels/ref/sinkhorn.ts is the
// oracle), computed in double per matrix and rounded once on store:
//   M⁰ = exp(L − colmax(L));  per round: c_j = Σ_i M_ij, M_ij /= c_j;  r_i = Σ_j M_ij, M_ij /= r_i.
// The backward pass recomputes the rounds keeping their sums (2·iters·n doubles per matrix), then
// walks them backwards from M = Mᵗᵐᵃˣ, G = dOut (row norm R = Q/r, column norm Q = P/c):
//   s_i = Σ_j G_ij R_ij, G_ij = (G_ij − s_i)/r_i, Q_ij = R_ij r_i;
//   u_j = Σ_i G_ij Q_ij, G_ij = (G_ij − u_j)/c_j, P_ij = Q_ij c_j;   dL = G ⊙ M⁰.
// One matrix per task, threaded over matrices; n is small (mHC uses 4), so the loops are plain
// (a division becomes one reciprocal per row or column: the double result rounds to the same float).
#include <algorithm>
#include <cmath>
#include <vector>

#include "zoo.h"

namespace zoo {
namespace {

/** m = exp(x − colmax); a NaN in a column makes the column max, and so the column, NaN. */
void start(const float* x, size_t n, double* m) {
  for (size_t j = 0; j < n; j++) {
    double mx = -INFINITY;
    for (size_t i = 0; i < n; i++) {
      const double v = x[i * n + j];
      mx = (v > mx || v != v) ? v : mx;
    }
    for (size_t i = 0; i < n; i++) m[i * n + j] = std::exp(static_cast<double>(x[i * n + j]) - mx);
  }
}

/** `iters` rounds in place; round t's column sums go to sums[2tn..], its row sums to sums[2tn + n..] when sums is set. */
void rounds(double* m, size_t n, size_t iters, double* sums) {
  for (size_t t = 0; t < iters; t++) {
    for (size_t j = 0; j < n; j++) {
      double c = 0;
      for (size_t i = 0; i < n; i++) c += m[i * n + j];
      const double inv = 1.0 / c;
      for (size_t i = 0; i < n; i++) m[i * n + j] *= inv;
      if (sums) sums[2 * t * n + j] = c;
    }
    for (size_t i = 0; i < n; i++) {
      double r = 0;
      for (size_t j = 0; j < n; j++) r += m[i * n + j];
      const double inv = 1.0 / r;
      for (size_t j = 0; j < n; j++) m[i * n + j] *= inv;
      if (sums) sums[2 * t * n + n + i] = r;
    }
  }
}

void backward_one(const float* x, const float* dy, float* dx, size_t n, size_t iters, double* e, double* m, double* g, double* sums) {
  start(x, n, e);
  std::copy(e, e + n * n, m);
  rounds(m, n, iters, sums);
  for (size_t k = 0; k < n * n; k++) g[k] = dy[k];
  for (size_t t = iters; t-- > 0;) {
    const double* c = sums + 2 * t * n;
    const double* r = c + n;
    for (size_t i = 0; i < n; i++) {
      double s = 0;
      for (size_t j = 0; j < n; j++) s += g[i * n + j] * m[i * n + j];
      const double inv = 1.0 / r[i];
      for (size_t j = 0; j < n; j++) {
        g[i * n + j] = (g[i * n + j] - s) * inv;
        m[i * n + j] *= r[i];
      }
    }
    for (size_t j = 0; j < n; j++) {
      double u = 0;
      for (size_t i = 0; i < n; i++) u += g[i * n + j] * m[i * n + j];
      const double inv = 1.0 / c[j];
      for (size_t i = 0; i < n; i++) {
        g[i * n + j] = (g[i * n + j] - u) * inv;
        m[i * n + j] *= c[j];
      }
    }
  }
  for (size_t k = 0; k < n * n; k++) dx[k] = static_cast<float>(g[k] * e[k]);
}

/** Matrices per task: about 16k flops of work. */
size_t grain(size_t n, size_t iters) { return std::max<size_t>(1, 16384 / std::max<size_t>(1, 4 * iters * n * n)); }

bool args_ok(const Napi::CallbackInfo& info, std::initializer_list<const Buf*> bufs, size_t count, size_t n, int64_t iters, const char* what) {
  for (const Buf* b : bufs) {
    if (b->t != F32 || b->n != count * n * n) {
      throw_type(info.Env(), what);
      return false;
    }
  }
  if (iters < 1) {
    throw_type(info.Env(), what);
    return false;
  }
  return true;
}

}  // namespace

namespace exports {

// sinkhorn(x, out, count, n, iters)
Napi::Value sinkhorn(const Napi::CallbackInfo& info) {
  ZOO_BUF(x, 0);
  ZOO_BUF(y, 1);
  const size_t count = arg_int(info, 2), n = arg_int(info, 3);
  const int64_t iters = arg_int(info, 4);
  if (!args_ok(info, {&x, &y}, count, n, iters, "sinkhorn: float32 arrays of count·n·n elements and iters >= 1 expected")) return info.Env().Undefined();
  const float* xs = x.f32();
  float* ys = y.f32();
  parallel_for(count, grain(n, iters), [&](size_t b0, size_t b1) {
    std::vector<double> m(n * n);
    for (size_t b = b0; b < b1; b++) {
      start(xs + b * n * n, n, m.data());
      rounds(m.data(), n, iters, nullptr);
      for (size_t k = 0; k < n * n; k++) ys[b * n * n + k] = static_cast<float>(m[k]);
    }
  });
  return info.Env().Undefined();
}

// sinkhornBackward(x, dOut, dx, count, n, iters)
Napi::Value sinkhornBackward(const Napi::CallbackInfo& info) {
  ZOO_BUF(x, 0);
  ZOO_BUF(dy, 1);
  ZOO_BUF(dx, 2);
  const size_t count = arg_int(info, 3), n = arg_int(info, 4);
  const int64_t iters = arg_int(info, 5);
  if (!args_ok(info, {&x, &dy, &dx}, count, n, iters, "sinkhornBackward: float32 arrays of count·n·n elements and iters >= 1 expected")) return info.Env().Undefined();
  const float* xs = x.f32();
  const float* dys = dy.f32();
  float* dxs = dx.f32();
  parallel_for(count, grain(n, 3 * iters), [&](size_t b0, size_t b1) {
    // Per task: e (M⁰), m (the rounds, walked back), g (the gradient) and the 2·iters·n sums.
    std::vector<double> scratch(3 * n * n + 2 * iters * n);
    double* e = scratch.data();
    for (size_t b = b0; b < b1; b++) {
      const size_t off = b * n * n;
      backward_one(xs + off, dys + off, dxs + off, n, iters, e, e + n * n, e + 2 * n * n, e + 3 * n * n);
    }
  });
  return info.Env().Undefined();
}

}  // namespace exports
}  // namespace zoo
