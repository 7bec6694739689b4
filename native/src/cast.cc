// cast: out[i] = x[i] converted as ref's convertArray does: to int32 truncates toward zero (then
// wraps like ToInt32, NaN -> 0), to bool is x != 0, to float32 rounds to nearest.
#include "zoo.h"

namespace zoo::exports {

// cast(x, out)
Napi::Value cast(const Napi::CallbackInfo& info) {
  ZOO_BUF(x, 0);
  ZOO_BUF(y, 1);
  if (x.n != y.n) {
    throw_type(info.Env(), "cast: length mismatch");
    return info.Env().Undefined();
  }
  parallel_for(x.n, 32768, [&](size_t b, size_t e) {
    for (size_t i = b; i < e; i++) {
      const double v = load(x, i);
      if (y.t == U8) y.u8()[i] = v != 0 ? 1 : 0;  // NaN != 0: true, as in JS
      else store(y, i, v);
    }
  });
  return info.Env().Undefined();
}

}  // namespace zoo::exports
