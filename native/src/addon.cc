// Module entry: registers every export of kernels.def, the CPU path choice (AVX2+FMA or the
// portable one, at load time; never an illegal instruction) and the argument helpers.
#include <cstdlib>
#include <cstring>

#include "tables.h"
#include "zoo.h"

namespace zoo {
namespace {

bool detect_avx2() {
#if ZOO_X86
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
  return false;
#endif
}

const bool kCpuAvx2 = detect_avx2();

bool initial_avx2() {
  const char* env = std::getenv("ZOO_ISA");
  if (env && std::strcmp(env, "scalar") == 0) return false;
  return kCpuAvx2;
}

bool g_avx2 = initial_avx2();

}  // namespace

bool cpu_has_avx2() { return kCpuAvx2; }
bool use_avx2() { return g_avx2; }
void set_avx2(bool on) { g_avx2 = on && kCpuAvx2; }

void throw_type(const Napi::Env& env, const char* what) { Napi::TypeError::New(env, what).ThrowAsJavaScriptException(); }

bool arg_buf(const Napi::CallbackInfo& info, size_t i, Buf& out) {
  if (i >= info.Length() || !info[i].IsTypedArray()) {
    throw_type(info.Env(), "zoo_native: expected a typed array argument");
    return false;
  }
  Napi::TypedArray ta = info[i].As<Napi::TypedArray>();
  switch (ta.TypedArrayType()) {
    case napi_float32_array: out.t = F32; break;
    case napi_int32_array: out.t = I32; break;
    case napi_uint8_array: out.t = U8; break;
    case napi_uint32_array: out.t = U32; break;
    default:
      throw_type(info.Env(), "zoo_native: typed array must be Float32Array, Int32Array, Uint8Array or Uint32Array");
      return false;
  }
  Napi::ArrayBuffer ab = ta.ArrayBuffer();
  out.p = static_cast<uint8_t*>(ab.Data()) + ta.ByteOffset();
  out.n = ta.ElementLength();
  return true;
}

bool arg_i32s(const Napi::CallbackInfo& info, size_t i, const int32_t*& p, size_t& n) {
  Buf b;
  if (!arg_buf(info, i, b)) return false;
  if (b.t != I32) {
    throw_type(info.Env(), "zoo_native: expected an Int32Array of shape/stride values");
    return false;
  }
  p = b.i32();
  n = b.n;
  return true;
}

double arg_num(const Napi::CallbackInfo& info, size_t i) {
  return i < info.Length() && info[i].IsNumber() ? info[i].As<Napi::Number>().DoubleValue() : 0.0;
}

int64_t arg_int(const Napi::CallbackInfo& info, size_t i) { return static_cast<int64_t>(arg_num(info, i)); }

namespace exports {

Napi::Value info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  o.Set("isa", use_avx2() ? "avx2+fma" : "scalar");
  o.Set("cpuAvx2", cpu_has_avx2());
  o.Set("threads", thread_count());
  auto table = [&](const char* const* names, int n) {
    Napi::Object t = Napi::Object::New(env);
    for (int i = 0; i < n; i++) t.Set(names[i], i);
    return t;
  };
  o.Set("unaryOps", table(kUnaryNames, kUnaryCount));
  o.Set("binaryOps", table(kBinaryNames, kBinaryCount));
  o.Set("reduceOps", table(kReduceNames, kReduceCount));
  o.Set("segmentOps", table(kSegmentNames, kSegmentCount));
  return o;
}

Napi::Value setThreads(const Napi::CallbackInfo& info) {
  const int64_t n = arg_int(info, 0);
  if (n >= 1) set_thread_count(static_cast<int>(n));
  return Napi::Number::New(info.Env(), thread_count());
}

Napi::Value setIsa(const Napi::CallbackInfo& info) {
  const std::string want = info.Length() > 0 && info[0].IsString() ? info[0].As<Napi::String>().Utf8Value() : "";
  set_avx2(want == "avx2");
  return Napi::String::New(info.Env(), use_avx2() ? "avx2+fma" : "scalar");
}

}  // namespace exports
}  // namespace zoo

static Napi::Object Init(Napi::Env env, Napi::Object exports) {
#define ZOO_EXPORT(name) exports.Set(#name, Napi::Function::New(env, zoo::exports::name, #name));
#include "kernels.def"
#undef ZOO_EXPORT
  return exports;
}

NODE_API_MODULE(zoo_native, Init)
