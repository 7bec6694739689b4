// Shared plumbing of the zoo addon: argument access (zero-copy views of JS typed arrays), dtype
// codes, store conversions that match JS typed-array semantics, CPU dispatch and the thread pool.
#pragma once
#include <napi.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>

// AVX2/FMA code is compiled per function with a target attribute (never -march=native) and chosen
// at load time; ZOO_INLINE bodies are instantiated twice, once inside each variant.
#if defined(__x86_64__) || defined(__i386__)
#define ZOO_X86 1
#define ZOO_AVX2 __attribute__((target("avx2,fma")))
#else
#define ZOO_X86 0
#define ZOO_AVX2
#endif
#define ZOO_INLINE static inline __attribute__((always_inline))
// Lambdas passed to ZOO_INLINE helpers must inline too, or they compile for the generic target.
#define ZOO_LAMBDA __attribute__((always_inline))

namespace zoo {

// ---- dtypes -------------------------------------------------------------------------------------
// Storage of the engine's dtypes: float32 -> Float32Array, int32 -> Int32Array, bool -> Uint8Array.
enum DType { F32 = 0, I32 = 1, U8 = 2, U32 = 3, OTHER = 9 };

struct Buf {
  void* p = nullptr;
  size_t n = 0;
  DType t = OTHER;
  float* f32() const { return static_cast<float*>(p); }
  int32_t* i32() const { return static_cast<int32_t*>(p); }
  uint8_t* u8() const { return static_cast<uint8_t*>(p); }
};

/** JS ToInt32 of a double (what storing into an Int32Array does): NaN/±inf -> 0, wraps mod 2^32. */
ZOO_INLINE int32_t to_int32(double v) {
  if (!std::isfinite(v)) return 0;
  double t = std::trunc(v);
  if (t >= -2147483648.0 && t <= 2147483647.0) return static_cast<int32_t>(t);
  double m = std::fmod(t, 4294967296.0);
  if (m < 0) m += 4294967296.0;
  return static_cast<int32_t>(static_cast<uint32_t>(m));
}

/** JS ToUint8 (storing into a Uint8Array): NaN/±inf -> 0, wraps mod 256. */
ZOO_INLINE uint8_t to_u8(double v) { return static_cast<uint8_t>(static_cast<uint32_t>(to_int32(v)) & 0xffu); }

ZOO_INLINE double load(const Buf& b, size_t i) {
  switch (b.t) {
    case F32: return b.f32()[i];
    case I32: return b.i32()[i];
    default: return b.u8()[i];
  }
}

/** Stores a double the way a JS typed array of b's type would. */
ZOO_INLINE void store(const Buf& b, size_t i, double v) {
  switch (b.t) {
    case F32: b.f32()[i] = static_cast<float>(v); break;
    case I32: b.i32()[i] = to_int32(v); break;
    default: b.u8()[i] = to_u8(v); break;
  }
}

// ---- CPU dispatch -------------------------------------------------------------------------------
/** True when the AVX2+FMA variants run (CPU support, unless setIsa('scalar') or ZOO_ISA=scalar). */
bool use_avx2();
bool cpu_has_avx2();
void set_avx2(bool on);

// ---- thread pool (pool.cc) ------------------------------------------------------------------------
/** Runs body(begin, end) over [0, n) in chunks of at least `grain`, on the pool; returns when done. */
void parallel_for(size_t n, size_t grain, const std::function<void(size_t, size_t)>& body);
int thread_count();
void set_thread_count(int n);

/** 64-byte aligned scratch memory (packing buffers, accumulators); freed by the destructor. */
class Scratch {
 public:
  explicit Scratch(size_t bytes);
  ~Scratch();
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  template <class T> T* as() const { return static_cast<T*>(p_); }

 private:
  void* p_;
};

// ---- GEMM (matmul.cc) -----------------------------------------------------------------------------
/** C (M, N) = op(A) (M, K) · op(B) (K, N), row-major float32, packed sgemm; `threaded` uses the pool. */
void sgemm(const float* A, const float* B, float* C, size_t M, size_t K, size_t N, bool transA, bool transB, bool threaded);

/** True when none of x[0..n) is inf or NaN (kernels that take an exact scalar path for non-finite inputs). */
inline bool all_finite(const float* x, size_t n) {
  bool ok = true;
  for (size_t i = 0; i < n; i++) ok &= std::isfinite(x[i]);
  return ok;
}

// ---- arguments ------------------------------------------------------------------------------------
// Every export validates argument kinds (never shapes: TypeScript did that) so that a wrong call
// from JS raises a TypeError instead of touching memory it does not own.
bool arg_buf(const Napi::CallbackInfo& info, size_t i, Buf& out);
bool arg_i32s(const Napi::CallbackInfo& info, size_t i, const int32_t*& p, size_t& n);
double arg_num(const Napi::CallbackInfo& info, size_t i);
int64_t arg_int(const Napi::CallbackInfo& info, size_t i);
void throw_type(const Napi::Env& env, const char* what);

}  // namespace zoo

// Declares `Napi::Value name(const Napi::CallbackInfo&)` for every export in kernels.def.
#define ZOO_EXPORT(name) Napi::Value name(const Napi::CallbackInfo& info);
namespace zoo::exports {
#include "kernels.def"
}
#undef ZOO_EXPORT

// Early return from an export when an argument has the wrong kind.
#define ZOO_BUF(var, i)                                                   \
  zoo::Buf var;                                                           \
  if (!zoo::arg_buf(info, i, var)) return info.Env().Undefined();
#define ZOO_I32S(var, nvar, i)                                            \
  const int32_t* var = nullptr;                                           \
  size_t nvar = 0;                                                        \
  if (!zoo::arg_i32s(info, i, var, nvar)) return info.Env().Undefined();
