// Elementwise binary ops with NumPy broadcasting: out[i] = f(a[i'], b[i'']) through the strided
// row iterator (iter.h). float32 rows where both operands are contiguous or one is a scalar run
// vectorized loops; other rows, and int32/bool operands, use a scalar path that computes in double
// and stores like a JS typed array (so int32 results match ref's ToInt32 exactly).
#include <algorithm>

#include "iter.h"
#include "tables.h"
#include "zoo.h"

namespace zoo {
namespace {

template <int OP>
ZOO_INLINE float fop(float a, float b) {
  if constexpr (OP == B_add) return a + b;
  else if constexpr (OP == B_sub) return a - b;
  else if constexpr (OP == B_mul) return a * b;
  else if constexpr (OP == B_div) return a / b;
  else if constexpr (OP == B_pow) return __builtin_powf(a, b);  // C pow: pow(1, NaN) = pow(-1, ±inf) = 1, as ref
  else if constexpr (OP == B_maximum) return a != a ? a : (b != b ? b : (a > b ? a : b));  // NaN propagates
  else if constexpr (OP == B_minimum) return a != a ? a : (b != b ? b : (a < b ? a : b));
  else return 0.f;
}

template <int OP>
ZOO_INLINE uint8_t cop(double a, double b) {
  if constexpr (OP == B_eq) return a == b;
  else if constexpr (OP == B_ne) return a != b;
  else if constexpr (OP == B_lt) return a < b;
  else if constexpr (OP == B_le) return a <= b;
  else if constexpr (OP == B_gt) return a > b;
  else return a >= b;
}

constexpr bool is_compare(int op) { return op >= B_eq; }

/** One row of n elements; sa/sb are the operands' strides along it (0: broadcast scalar). */
template <int OP>
ZOO_INLINE void row(const float* __restrict a, const float* __restrict b, float* __restrict y, size_t n, int64_t sa, int64_t sb) {
  if (sa == 1 && sb == 1) {
    for (size_t i = 0; i < n; i++) y[i] = fop<OP>(a[i], b[i]);
  } else if (sa == 1 && sb == 0) {
    const float s = b[0];
    for (size_t i = 0; i < n; i++) y[i] = fop<OP>(a[i], s);
  } else if (sa == 0 && sb == 1) {
    const float s = a[0];
    for (size_t i = 0; i < n; i++) y[i] = fop<OP>(s, b[i]);
  } else {
    for (size_t i = 0; i < n; i++) y[i] = fop<OP>(a[i * sa], b[i * sb]);
  }
}

template <int OP>
ZOO_AVX2 void row_avx2(const float* a, const float* b, float* y, size_t n, int64_t sa, int64_t sb) {
  row<OP>(a, b, y, n, sa, sb);
}
template <int OP>
void row_generic(const float* a, const float* b, float* y, size_t n, int64_t sa, int64_t sb) {
  row<OP>(a, b, y, n, sa, sb);
}

using Row = void (*)(const float*, const float*, float*, size_t, int64_t, int64_t);

Row pick_row(int op) {
  const bool avx2 = use_avx2();
  switch (op) {
#define ZOO_CASE(name) \
  case B_##name: return avx2 ? row_avx2<B_##name> : row_generic<B_##name>;
    ZOO_BINARY_OPS(ZOO_CASE)
#undef ZOO_CASE
    default: return nullptr;
  }
}

/** Scalar double path: any dtypes, JS semantics. */
double dop(int op, double a, double b) {
  switch (op) {
    case B_add: return a + b;
    case B_sub: return a - b;
    case B_mul: return a * b;
    case B_div: return a / b;
    case B_pow: return std::pow(a, b);
    case B_maximum: return a != a ? a : (b != b ? b : std::max(a, b));
    case B_minimum: return a != a ? a : (b != b ? b : std::min(a, b));
    case B_eq: return cop<B_eq>(a, b);
    case B_ne: return cop<B_ne>(a, b);
    case B_lt: return cop<B_lt>(a, b);
    case B_le: return cop<B_le>(a, b);
    case B_gt: return cop<B_gt>(a, b);
    default: return cop<B_ge>(a, b);
  }
}

}  // namespace

namespace exports {

// binary(code, a, b, out, shape, aStrides, bStrides)
Napi::Value binary(const Napi::CallbackInfo& info) {
  const int op = static_cast<int>(arg_int(info, 0));
  ZOO_BUF(a, 1);
  ZOO_BUF(b, 2);
  ZOO_BUF(y, 3);
  ZOO_I32S(shape, rank, 4);
  ZOO_I32S(sa, na, 5);
  ZOO_I32S(sb, nb, 6);
  if (op < 0 || op >= kBinaryCount || rank < 1 || rank > kMaxRank || na != rank || nb != rank) {
    throw_type(info.Env(), "binary: bad op code or shape/stride lengths");
    return info.Env().Undefined();
  }
  Strided<2> it{static_cast<int>(rank), shape, {sa, sb}};
  const size_t n = it.len();
  const int64_t ia = it.inner(0), ib = it.inner(1);
  const size_t grain = std::max<size_t>(1, 16384 / std::max<size_t>(n, 1));
  if (a.t == F32 && b.t == F32 && y.t == F32 && !is_compare(op)) {
    const Row f = pick_row(op);
    parallel_for(it.rows(), grain, [&](size_t r0, size_t r1) {
      it.for_rows(r0, r1, [&](const int64_t* off, size_t r) { f(a.f32() + off[0], b.f32() + off[1], y.f32() + r * n, n, ia, ib); });
    });
  } else {
    parallel_for(it.rows(), grain, [&](size_t r0, size_t r1) {
      it.for_rows(r0, r1, [&](const int64_t* off, size_t r) {
        for (size_t i = 0; i < n; i++) store(y, r * n + i, dop(op, load(a, off[0] + i * ia), load(b, off[1] + i * ib)));
      });
    });
  }
  return info.Env().Undefined();
}

}  // namespace exports
}  // namespace zoo
