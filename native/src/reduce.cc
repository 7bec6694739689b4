// Reductions over an axis set. The input is described by its kept dims (shape, strides: one output
// per position, row-major) and its reduced dims (shape, strides: visited in row-major order, which
// is the index argmax/argmin return). Accumulation is in double, so sum/mean/var/logsumexp are
// correctly rounded up to the final float32 store for any realistic length; semantics follow
// kernels/ref/<op>.ts (NaN propagation, first index on ties, var's divisor passed in as `param`).
#include <algorithm>
#include <cmath>
#include <type_traits>

#include "iter.h"
#include "tables.h"
#include "vecmath.h"
#include "zoo.h"

namespace zoo {
namespace {

struct Dims {
  int rank;
  const int32_t* shape;
  const int32_t* strides;
  size_t size() const {
    size_t n = 1;
    for (int d = 0; d < rank; d++) n *= static_cast<size_t>(shape[d]);
    return n;
  }
};

/** Calls f(value) for every reduced element of the output whose first input element is at `base`. */
template <class T, class F>
ZOO_INLINE void visit(const T* x, int64_t base, const Dims& red, F&& f) {
  const size_t n = red.rank ? static_cast<size_t>(red.shape[red.rank - 1]) : 1;
  const int64_t s = red.rank ? red.strides[red.rank - 1] : 0;
  Strided<1> outer{red.rank, red.shape, {red.strides}};
  outer.for_rows(0, outer.rows(), [&](const int64_t* off, size_t) {
    const T* p = x + base + off[0];
    if (s == 1) {
      for (size_t i = 0; i < n; i++) f(static_cast<double>(p[i]));
    } else {
      for (size_t i = 0; i < n; i++) f(static_cast<double>(p[i * s]));
    }
  });
}

ZOO_AVX2 double sum_avx2(const float* x, size_t n) { return vm::sum_d(x, n); }
double sum_generic(const float* x, size_t n) { return vm::sum_d(x, n); }

/** Σ over the reduced elements when they are float32 runs of stride 1: vectorized per run. */
double sum_runs(const float* x, int64_t base, const Dims& red) {
  const auto f = use_avx2() ? sum_avx2 : sum_generic;
  const size_t n = static_cast<size_t>(red.shape[red.rank - 1]);
  Strided<1> outer{red.rank, red.shape, {red.strides}};
  double s = 0;
  outer.for_rows(0, outer.rows(), [&](const int64_t* off, size_t) { s += f(x + base + off[0], n); });
  return s;
}

template <class T>
double reduce_one(int op, const T* x, int64_t base, const Dims& red, size_t count, double param) {
  switch (op) {
    case R_sum:
    case R_mean: {
      double s = 0;
      if constexpr (std::is_same_v<T, float>) {
        if (red.rank && red.strides[red.rank - 1] == 1) {
          s = sum_runs(x, base, red);
          return op == R_sum ? s : s / static_cast<double>(count);
        }
      }
      visit(x, base, red, [&](double v) { s += v; });
      return op == R_sum ? s : s / static_cast<double>(count);
    }
    case R_prod: {
      double p = 1;
      visit(x, base, red, [&](double v) { p *= v; });
      return p;
    }
    case R_max:
    case R_min: {
      // NaN anywhere wins (torch.amax); count >= 1 here (inference rejects empty reductions).
      bool first = true, nan = false;
      double m = 0;
      visit(x, base, red, [&](double v) {
        if (v != v) nan = true;
        else if (first || (op == R_max ? v > m : v < m)) m = v;
        first = false;
      });
      return nan ? NAN : m;
    }
    case R_var:
    case R_std: {
      // Two passes: mean, then the sum of squared deviations over max(0, N - correction).
      double s = 0;
      visit(x, base, red, [&](double v) { s += v; });
      const double m = s / static_cast<double>(count);
      double ss = 0;
      visit(x, base, red, [&](double v) { ss += (v - m) * (v - m); });
      const double var = ss / param;
      return op == R_var ? var : std::sqrt(var);
    }
    case R_logsumexp: {
      // m + log Σ exp(v - m); all -inf (or empty) -> -inf, any +inf -> +inf, any NaN -> NaN.
      double m = -INFINITY;
      bool nan = false;
      visit(x, base, red, [&](double v) {
        if (v != v) nan = true;
        else if (v > m) m = v;
      });
      if (nan) return NAN;
      if (std::isinf(m)) return m;
      double s = 0;
      visit(x, base, red, [&](double v) { s += std::exp(v - m); });
      return m + std::log(s);
    }
    default: {
      // argmax/argmin: the first NaN wins; strict comparison keeps the first of tied values.
      const bool isMax = op == R_argmax;
      int64_t j = 0, best = 0;
      double bv = 0;
      bool done = false;
      visit(x, base, red, [&](double v) {
        if (!done) {
          if (j == 0 || v != v || (isMax ? v > bv : v < bv)) {
            best = j;
            bv = v;
            done = v != v;
          }
        }
        j++;
      });
      return static_cast<double>(best);
    }
  }
}

ZOO_INLINE void add_row(double* __restrict acc, const float* __restrict x, size_t n) {
  for (size_t j = 0; j < n; j++) acc[j] += static_cast<double>(x[j]);
}
ZOO_AVX2 void add_row_avx2(double* acc, const float* x, size_t n) { add_row(acc, x, n); }
void add_row_generic(double* acc, const float* x, size_t n) { add_row(acc, x, n); }

/**
 * sum/mean when the input's last dim is kept (e.g. a bias gradient: (B, T, C) summed over B, T):
 * blocks of consecutive outputs accumulate whole rows, so memory is read contiguously once
 * instead of once per output with a stride.
 */
bool column_sums(int op, const float* x, const Buf& y, const Dims& kept, const Dims& red, size_t count) {
  if (!(op == R_sum || op == R_mean) || kept.rank == 0 || red.rank == 0 || kept.strides[kept.rank - 1] != 1 || red.strides[red.rank - 1] == 1) return false;
  constexpr size_t kBlock = 512;
  const auto add = use_avx2() ? add_row_avx2 : add_row_generic;
  const size_t L = static_cast<size_t>(kept.shape[kept.rank - 1]);
  const Dims outerKept{kept.rank - 1, kept.shape, kept.strides};
  const size_t blocks = (L + kBlock - 1) / kBlock, tasks = outerKept.size() * blocks;
  Strided<1> rows{red.rank, red.shape, {red.strides}};
  const size_t n = rows.len();
  const int64_t s = rows.inner(0);
  parallel_for(tasks, 1, [&](size_t t0, size_t t1) {
    double acc[kBlock];
    for (size_t t = t0; t < t1; t++) {
      const size_t o = t / blocks, j0 = (t % blocks) * kBlock, w = std::min(kBlock, L - j0);
      int64_t base = 0;
      size_t rem = o;
      for (int d = outerKept.rank - 1; d >= 0; d--) {
        base += static_cast<int64_t>(rem % static_cast<size_t>(kept.shape[d])) * kept.strides[d];
        rem /= static_cast<size_t>(kept.shape[d]);
      }
      std::fill(acc, acc + w, 0.0);
      rows.for_rows(0, rows.rows(), [&](const int64_t* off, size_t) {
        for (size_t i = 0; i < n; i++) add(acc, x + base + off[0] + static_cast<int64_t>(i) * s + j0, w);
      });
      for (size_t j = 0; j < w; j++) store(y, o * L + j0 + j, op == R_sum ? acc[j] : acc[j] / static_cast<double>(count));
    }
  });
  return true;
}

template <class T>
void run(int op, const T* x, const Buf& y, const Dims& kept, const Dims& red, double param) {
  const size_t outs = kept.size(), count = red.size();
  if constexpr (std::is_same_v<T, float>) {
    if (outs > 0 && count > 0 && column_sums(op, x, y, kept, red, count)) return;
  }
  const size_t grain = std::max<size_t>(1, 32768 / std::max<size_t>(count, 1));
  parallel_for(outs, grain, [&](size_t o0, size_t o1) {
    for (size_t o = o0; o < o1; o++) {
      int64_t base = 0;
      size_t rem = o;
      for (int d = kept.rank - 1; d >= 0; d--) {
        base += static_cast<int64_t>(rem % static_cast<size_t>(kept.shape[d])) * kept.strides[d];
        rem /= static_cast<size_t>(kept.shape[d]);
      }
      store(y, o, reduce_one(op, x, base, red, count, param));
    }
  });
}

}  // namespace

namespace exports {

// reduce(code, x, out, keptShape, keptStrides, redShape, redStrides, param)
Napi::Value reduce(const Napi::CallbackInfo& info) {
  const int op = static_cast<int>(arg_int(info, 0));
  ZOO_BUF(x, 1);
  ZOO_BUF(y, 2);
  ZOO_I32S(ks, nk, 3);
  ZOO_I32S(kst, nkst, 4);
  ZOO_I32S(rs, nr, 5);
  ZOO_I32S(rst, nrst, 6);
  const double param = arg_num(info, 7);
  if (op < 0 || op >= kReduceCount || nk != nkst || nr != nrst || nk > kMaxRank || nr > kMaxRank) {
    throw_type(info.Env(), "reduce: bad op code or shape/stride lengths");
    return info.Env().Undefined();
  }
  const Dims kept{static_cast<int>(nk), ks, kst}, red{static_cast<int>(nr), rs, rst};
  if (kept.size() != y.n) {
    throw_type(info.Env(), "reduce: output length does not match the kept dims");
    return info.Env().Undefined();
  }
  switch (x.t) {
    case F32: run(op, x.f32(), y, kept, red, param); break;
    case I32: run(op, x.i32(), y, kept, red, param); break;
    default: run(op, x.u8(), y, kept, red, param); break;
  }
  return info.Env().Undefined();
}

}  // namespace exports
}  // namespace zoo
