// Philox4x32-10 exactly as engine/rng.ts specifies it (that file is the spec): word i of the
// stream for (seed, offset) is philox(ctr = [q lo, q hi, 0, 0], key = [seed lo, seed hi])[r] with
// q, r = divmod(offset + i, 4). The draws built on the words compute in double like ref, so
// integers and uniforms are bit-identical and normals agree to float32 rounding (libm vs V8 cos).
// NOTE: no FMA contraction here: a + (b - a)·u must round twice, as in JS, for identical uniforms.
#pragma GCC optimize("fp-contract=off")

#include <cmath>

#include "rng.h"
#include "zoo.h"

namespace zoo {

void philox_block(uint64_t seed, uint64_t q, uint32_t out[4]) {
  constexpr uint32_t M0 = 0xd2511f53u, M1 = 0xcd9e8d57u, W0 = 0x9e3779b9u, W1 = 0xbb67ae85u;
  uint32_t c0 = static_cast<uint32_t>(q), c1 = static_cast<uint32_t>(q >> 32), c2 = 0, c3 = 0;
  uint32_t k0 = static_cast<uint32_t>(seed), k1 = static_cast<uint32_t>(seed >> 32);
  for (int round = 0; round < 10; round++) {
    if (round > 0) {
      k0 += W0;
      k1 += W1;
    }
    const uint64_t p0 = static_cast<uint64_t>(M0) * c0, p1 = static_cast<uint64_t>(M1) * c2;
    const uint32_t hi0 = static_cast<uint32_t>(p0 >> 32), lo0 = static_cast<uint32_t>(p0);
    const uint32_t hi1 = static_cast<uint32_t>(p1 >> 32), lo1 = static_cast<uint32_t>(p1);
    c0 = hi1 ^ c1 ^ k0;
    c1 = lo1;
    c2 = hi0 ^ c3 ^ k1;
    c3 = lo0;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
}

void philox_words(uint64_t seed, uint64_t offset, uint32_t* out, size_t n) {
  // Chunks of 4096 words in parallel; each chunk starts at any word of a block.
  parallel_for(n, 4096, [&](size_t b, size_t e) {
    uint32_t block[4];
    uint64_t cur = UINT64_MAX;
    for (size_t i = b; i < e; i++) {
      const uint64_t idx = offset + i, q = idx >> 2;
      if (q != cur) {
        philox_block(seed, q, block);
        cur = q;
      }
      out[i] = block[idx & 3];
    }
  });
}

namespace {
constexpr double kU24 = 1.0 / 16777216.0;
enum Kind { UNIFORM = 0, NORMAL = 1, BERNOULLI = 2, RANDINT = 3 };
}  // namespace

namespace exports {

// philox(out Uint32Array, seed, offset)
Napi::Value philox(const Napi::CallbackInfo& info) {
  ZOO_BUF(out, 0);
  if (out.t != U32) {
    throw_type(info.Env(), "philox: expected a Uint32Array");
    return info.Env().Undefined();
  }
  philox_words(static_cast<uint64_t>(arg_num(info, 1)), static_cast<uint64_t>(arg_num(info, 2)), static_cast<uint32_t*>(out.p), out.n);
  return info.Env().Undefined();
}

// random(kind, out, seed, offset, a, b): the draws of kernels/ref/random.ts.
Napi::Value random(const Napi::CallbackInfo& info) {
  const int kind = static_cast<int>(arg_int(info, 0));
  ZOO_BUF(out, 1);
  const uint64_t seed = static_cast<uint64_t>(arg_num(info, 2)), offset = static_cast<uint64_t>(arg_num(info, 3));
  const double a = arg_num(info, 4), b = arg_num(info, 5);
  const size_t n = out.n, words = kind == NORMAL ? 2 * ((n + 1) / 2) : n;
  Scratch buf(words * sizeof(uint32_t));
  uint32_t* w = buf.as<uint32_t>();
  philox_words(seed, offset, w, words);
  switch (kind) {
    case UNIFORM:
      for (size_t i = 0; i < n; i++) store(out, i, a + (b - a) * ((w[i] >> 8) * kU24));
      break;
    case BERNOULLI:
      for (size_t i = 0; i < n; i++) store(out, i, (w[i] >> 8) * kU24 < a ? 1.0 : 0.0);
      break;
    case RANDINT: {
      const double range = b - a;
      const uint64_t r = static_cast<uint64_t>(range);
      for (size_t i = 0; i < n; i++) {
        const double v = range == 4294967296.0 ? w[i] : static_cast<double>((static_cast<uint64_t>(w[i]) * r) >> 32);
        store(out, i, a + v);
      }
      break;
    }
    case NORMAL:
      parallel_for((n + 1) / 2, 1024, [&](size_t p0, size_t p1) {
        for (size_t p = p0; p < p1; p++) {
          const size_t i = 2 * p;
          const double u1 = ((w[i] >> 8) + 1) * kU24, u2 = (w[i + 1] >> 8) * kU24;
          const double r = std::sqrt(-2 * std::log(u1));
          store(out, i, a + b * r * std::cos(2 * M_PI * u2));
          if (i + 1 < n) store(out, i + 1, a + b * r * std::sin(2 * M_PI * u2));
        }
      });
      break;
    default:
      throw_type(info.Env(), "random: unknown kind");
  }
  return info.Env().Undefined();
}

}  // namespace exports
}  // namespace zoo
