// Elementwise unary ops: out[i] = f(x[i]; p0, p1). float32 runs the branch-free formulas below on
// 8-lane vectors (vecmath.h), compiled twice (AVX2+FMA and generic variants); the int32 ops (neg, abs, sign,
// square, relu, clamp) compute as JS does (in double, stored with ToInt32; square wraps like
// Math.imul). Formulas match kernels/ref/<op>.ts, including NaN propagation.
#include "tables.h"
#include "vecmath.h"
#include "zoo.h"

namespace zoo {
namespace {

constexpr float kSeluAlpha = 1.6732632423543772848f;
constexpr float kSeluScale = 1.0507009873554804934f;

using vm::V;
using vm::sel;
using vm::splat;

/** Per-lane libm call (sin, cos: not vectorized; glibc's are within 1 ulp). */
template <class F>
ZOO_INLINE V lanes(V x, F&& f) {
  V r;
  for (int k = 0; k < vm::kLanes; k++) r[k] = f(x[k]);
  return r;
}

template <int OP>
ZOO_INLINE V apply(V x, float p0, float p1) {
  const V zero = splat(0.f);
  if constexpr (OP == U_neg) return -x;
  else if constexpr (OP == U_abs) return vm::vabs(x);
  else if constexpr (OP == U_sign) return sel(x > 0.f, splat(1.f), sel(x < 0.f, splat(-1.f), x));
  else if constexpr (OP == U_exp) return vm::exp(x);
  else if constexpr (OP == U_log) return vm::log(x);
  else if constexpr (OP == U_log1p) return vm::log1p(x);
  else if constexpr (OP == U_expm1) return vm::expm1(x);
  else if constexpr (OP == U_sqrt) return lanes(x, [](float v) ZOO_LAMBDA { return __builtin_sqrtf(v); });
  else if constexpr (OP == U_rsqrt) return 1.f / lanes(x, [](float v) ZOO_LAMBDA { return __builtin_sqrtf(v); });
  else if constexpr (OP == U_reciprocal) return 1.f / x;
  else if constexpr (OP == U_square) return x * x;
  else if constexpr (OP == U_sin) return lanes(x, [](float v) ZOO_LAMBDA { return __builtin_sinf(v); });
  else if constexpr (OP == U_cos) return lanes(x, [](float v) ZOO_LAMBDA { return __builtin_cosf(v); });
  else if constexpr (OP == U_tanh) return vm::tanh(x);
  else if constexpr (OP == U_sigmoid) return vm::sigmoid(x);
  else if constexpr (OP == U_relu) return sel(x < 0.f, zero, x);  // NaN stays NaN (Math.max)
  else if constexpr (OP == U_leaky_relu) return sel(x > 0.f, x, x * p0);
  else if constexpr (OP == U_elu) return sel(x > 0.f, x, p0 * vm::expm1(x));
  else if constexpr (OP == U_selu) return kSeluScale * sel(x > 0.f, x, kSeluAlpha * vm::expm1(x));
  else if constexpr (OP == U_celu) return sel(x > 0.f, x, p0 * vm::expm1(x / p0));
  else if constexpr (OP == U_gelu) return x * vm::normcdf(x);
  else if constexpr (OP == U_gelu_tanh) return vm::gelu_tanh(x);
  else if constexpr (OP == U_silu) return x * vm::sigmoid(x);
  else if constexpr (OP == U_mish) return x * vm::tanh(vm::softplus(x));
  else if constexpr (OP == U_softplus) {
    // p0 = beta, p1 = threshold: x where beta·x > threshold (torch), else softplus(beta·x)/beta.
    const V bx = x * p0;
    return sel(bx > p1, x, vm::softplus(bx) / p0);
  } else if constexpr (OP == U_softsign) return x / (1.f + vm::vabs(x));
  else if constexpr (OP == U_hardtanh) return sel(x < p0, splat(p0), sel(x > p1, splat(p1), x));
  else if constexpr (OP == U_hardsigmoid) return sel(x <= -3.f, zero, sel(x >= 3.f, splat(1.f), x / 6.f + 0.5f));
  else if constexpr (OP == U_hardswish) return sel(x <= -3.f, zero, sel(x >= 3.f, x, x * (x + 3.f) / 6.f));
  else if constexpr (OP == U_logsigmoid) return -vm::softplus(-x);
  else if constexpr (OP == U_clamp) {
    // min(max(x, lo), hi) with NaN propagating from x (p0 = lo, p1 = hi; ±inf when absent).
    const V v = sel(x < p0, splat(p0), x);
    return sel(v > p1, splat(p1), v);
  } else return x;
}

template <int OP>
ZOO_INLINE void loop(const float* __restrict x, float* __restrict y, size_t n, float p0, float p1) {
  vm::map(x, y, n, [&](V v) ZOO_LAMBDA { return apply<OP>(v, p0, p1); });
}

template <int OP>
ZOO_AVX2 void loop_avx2(const float* x, float* y, size_t n, float p0, float p1) {
  loop<OP>(x, y, n, p0, p1);
}

template <int OP>
void loop_generic(const float* x, float* y, size_t n, float p0, float p1) {
  loop<OP>(x, y, n, p0, p1);
}

using Loop = void (*)(const float*, float*, size_t, float, float);

Loop pick(int op) {
  const bool avx2 = use_avx2();
  switch (op) {
#define ZOO_CASE(name) \
  case U_##name: return avx2 ? loop_avx2<U_##name> : loop_generic<U_##name>;
    ZOO_UNARY_OPS(ZOO_CASE)
#undef ZOO_CASE
    default: return nullptr;
  }
}

/** int32 (or any non-float32) path: JS semantics, computed in double. */
bool apply_int(int op, const Buf& x, const Buf& y, double p0, double p1) {
  for (size_t i = 0; i < x.n; i++) {
    const double v = load(x, i);
    double r;
    switch (op) {
      case U_neg: r = -v; break;
      case U_abs: r = v < 0 ? -v : v; break;
      case U_sign: r = v > 0 ? 1 : (v < 0 ? -1 : v); break;
      case U_relu: r = v < 0 ? 0 : v; break;
      case U_clamp: r = v < p0 ? p0 : v; r = r > p1 ? p1 : r; break;
      case U_square: {
        const uint32_t u = static_cast<uint32_t>(to_int32(v));
        r = static_cast<int32_t>(u * u);  // Math.imul(v, v)
        break;
      }
      default: return false;
    }
    store(y, i, r);
  }
  return true;
}

}  // namespace

namespace exports {

// unary(code, x, out, p0, p1)
Napi::Value unary(const Napi::CallbackInfo& info) {
  const int op = static_cast<int>(arg_int(info, 0));
  ZOO_BUF(x, 1);
  ZOO_BUF(y, 2);
  const double p0 = arg_num(info, 3), p1 = arg_num(info, 4);
  if (x.n != y.n || op < 0 || op >= kUnaryCount) {
    throw_type(info.Env(), "unary: bad op code or length mismatch");
    return info.Env().Undefined();
  }
  if (x.t == F32 && y.t == F32) {
    const Loop f = pick(op);
    const float q0 = static_cast<float>(p0), q1 = static_cast<float>(p1);
    const float* xs = x.f32();
    float* ys = y.f32();
    // sin/cos call libm per element: smaller chunks pay off sooner.
    const size_t grain = (op == U_sin || op == U_cos) ? 4096 : 16384;
    parallel_for(x.n, grain, [&](size_t b, size_t e) { f(xs + b, ys + b, e - b, q0, q1); });
  } else if (!apply_int(op, x, y, p0, p1)) {
    throw_type(info.Env(), "unary: op has no integer kernel");
  }
  return info.Env().Undefined();
}

}  // namespace exports
}  // namespace zoo
