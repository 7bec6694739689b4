// Indexing kernels: gather, index_select, scatter_add, one_hot, embedding. Index values are data,
// so every kernel first scans them and returns the position of the first one out of range (or -1)
// before touching memory; the TypeScript side turns that into ref's ValueError. Values are moved
// as raw 4- or 1-byte elements, so any dtype works; scatter_add accumulates in double like ref.
#include <algorithm>
#include <vector>

#include "iter.h"
#include "zoo.h"

namespace zoo {
namespace {

/** First position whose value is outside [0, size), or -1. */
int64_t first_bad(const int32_t* idx, size_t n, int64_t size) {
  for (size_t i = 0; i < n; i++)
    if (idx[i] < 0 || idx[i] >= size) return static_cast<int64_t>(i);
  return -1;
}

Napi::Value number(const Napi::CallbackInfo& info, int64_t v) { return Napi::Number::New(info.Env(), static_cast<double>(v)); }

template <class T>
void gather_rows(const T* x, const int32_t* index, T* out, const Strided<2>& it, int64_t axisStride) {
  const size_t n = it.len();
  const int64_t sx = it.inner(0);
  parallel_for(it.rows(), std::max<size_t>(1, 16384 / std::max<size_t>(n, 1)), [&](size_t r0, size_t r1) {
    it.for_rows(r0, r1, [&](const int64_t* off, size_t r) {
      for (size_t j = 0; j < n; j++) out[r * n + j] = x[off[0] + j * sx + static_cast<int64_t>(index[r * n + j]) * axisStride];
    });
  });
}

}  // namespace

namespace exports {

// gather(x, index, out, idxShape, xStrides, axisStride, axisSize): out[p] = x[Σ_k p_k·xStrides[k] + index[p]·axisStride]
// (xStrides[axis] = 0). Returns the first bad position or -1.
Napi::Value gather(const Napi::CallbackInfo& info) {
  ZOO_BUF(x, 0);
  ZOO_BUF(index, 1);
  ZOO_BUF(out, 2);
  ZOO_I32S(shape, rank, 3);
  ZOO_I32S(xs, nxs, 4);
  const int64_t axisStride = arg_int(info, 5), axisSize = arg_int(info, 6);
  if (index.t != I32 || index.n != out.n || rank < 1 || rank > kMaxRank || nxs != rank || (x.t == U8) != (out.t == U8)) {
    throw_type(info.Env(), "gather: bad arguments");
    return info.Env().Undefined();
  }
  const int64_t bad = first_bad(index.i32(), index.n, axisSize);
  if (bad >= 0 || out.n == 0) return number(info, bad);
  int64_t hi = (axisSize - 1) * axisStride;
  for (size_t d = 0; d < rank; d++) hi += static_cast<int64_t>(shape[d] - 1) * xs[d];
  if (hi >= static_cast<int64_t>(x.n)) {
    throw_type(info.Env(), "gather: strides reach past x");
    return info.Env().Undefined();
  }
  static const int32_t zero[kMaxRank] = {0};
  Strided<2> it{static_cast<int>(rank), shape, {xs, zero}};
  if (x.t == U8) gather_rows(x.u8(), index.i32(), out.u8(), it, axisStride);
  else gather_rows(static_cast<const uint32_t*>(x.p), index.i32(), static_cast<uint32_t*>(out.p), it, axisStride);
  return number(info, -1);
}

// indexSelect(x, index, out, outer, dim, inner): out[r, k, :] = x[r, index[k], :].
Napi::Value indexSelect(const Napi::CallbackInfo& info) {
  ZOO_BUF(x, 0);
  ZOO_BUF(index, 1);
  ZOO_BUF(out, 2);
  const size_t outer = arg_int(info, 3), dim = arg_int(info, 4), inner = arg_int(info, 5), n = index.n;
  if (index.t != I32 || x.n != outer * dim * inner || out.n != outer * n * inner || (x.t == U8) != (out.t == U8)) {
    throw_type(info.Env(), "indexSelect: bad arguments");
    return info.Env().Undefined();
  }
  const int64_t bad = first_bad(index.i32(), n, static_cast<int64_t>(dim));
  if (bad >= 0) return number(info, bad);
  const size_t es = x.t == U8 ? 1 : 4;
  const uint8_t* xs = static_cast<const uint8_t*>(x.p);
  uint8_t* os = static_cast<uint8_t*>(out.p);
  parallel_for(outer * n, std::max<size_t>(1, 16384 / std::max<size_t>(inner, 1)), [&](size_t t0, size_t t1) {
    for (size_t t = t0; t < t1; t++) {
      const size_t r = t / n, k = t % n;
      std::memcpy(os + t * inner * es, xs + (r * dim + static_cast<size_t>(index.i32()[k])) * inner * es, inner * es);
    }
  });
  return number(info, -1);
}

// scatterAdd(index, src, out, idxShape, outStrides, srcStrides, axisStride, axisSize): out holds x;
// out[Σ_k p_k·outStrides[k] + index[p]·axisStride] += src[Σ_k p_k·srcStrides[k]] (outStrides[axis] = 0).
Napi::Value scatterAdd(const Napi::CallbackInfo& info) {
  ZOO_BUF(index, 0);
  ZOO_BUF(src, 1);
  ZOO_BUF(out, 2);
  ZOO_I32S(shape, rank, 3);
  ZOO_I32S(os, nos, 4);
  ZOO_I32S(ss, nss, 5);
  const int64_t axisStride = arg_int(info, 6), axisSize = arg_int(info, 7);
  if (index.t != I32 || rank < 1 || rank > kMaxRank || nos != rank || nss != rank) {
    throw_type(info.Env(), "scatterAdd: bad arguments");
    return info.Env().Undefined();
  }
  const int64_t bad = first_bad(index.i32(), index.n, axisSize);
  if (bad >= 0 || index.n == 0) return number(info, bad);
  int64_t hiOut = (axisSize - 1) * axisStride, hiSrc = 0;
  for (size_t d = 0; d < rank; d++) {
    hiOut += static_cast<int64_t>(shape[d] - 1) * os[d];
    hiSrc += static_cast<int64_t>(shape[d] - 1) * ss[d];
  }
  if (hiOut >= static_cast<int64_t>(out.n) || hiSrc >= static_cast<int64_t>(src.n)) {
    throw_type(info.Env(), "scatterAdd: strides reach past the arrays");
    return info.Env().Undefined();
  }
  std::vector<double> acc(out.n);
  for (size_t i = 0; i < out.n; i++) acc[i] = load(out, i);
  static const int32_t zero[kMaxRank] = {0};
  Strided<3> it{static_cast<int>(rank), shape, {os, ss, zero}};
  const size_t n = it.len();
  const int64_t so = it.inner(0), sss = it.inner(1);
  const int32_t* idx = index.i32();
  // Serial: repeated indices would race.
  it.for_rows(0, it.rows(), [&](const int64_t* off, size_t r) {
    for (size_t j = 0; j < n; j++) acc[off[0] + j * so + static_cast<int64_t>(idx[r * n + j]) * axisStride] += load(src, off[1] + j * sss);
  });
  for (size_t i = 0; i < out.n; i++) store(out, i, acc[i]);
  return number(info, -1);
}

// oneHot(index, out, classes): out (zeros) gets 1 at [i, index[i]].
Napi::Value oneHot(const Napi::CallbackInfo& info) {
  ZOO_BUF(index, 0);
  ZOO_BUF(out, 1);
  const int64_t c = arg_int(info, 2);
  if (index.t != I32 || c < 0 || out.n != index.n * static_cast<size_t>(c)) {
    throw_type(info.Env(), "oneHot: bad arguments");
    return info.Env().Undefined();
  }
  const int64_t bad = first_bad(index.i32(), index.n, c);
  if (bad >= 0) return number(info, bad);
  for (size_t i = 0; i < index.n; i++) store(out, i * c + index.i32()[i], 1.0);
  return number(info, -1);
}

// embedding(indices, weight, out, rows, dim): out[i, :] = weight[indices[i], :].
Napi::Value embedding(const Napi::CallbackInfo& info) {
  ZOO_BUF(index, 0);
  ZOO_BUF(w, 1);
  ZOO_BUF(out, 2);
  const size_t rows = arg_int(info, 3), dim = arg_int(info, 4);
  if (index.t != I32 || w.t != F32 || out.t != F32 || w.n != rows * dim || out.n != index.n * dim) {
    throw_type(info.Env(), "embedding: bad arguments");
    return info.Env().Undefined();
  }
  const int64_t bad = first_bad(index.i32(), index.n, static_cast<int64_t>(rows));
  if (bad >= 0) return number(info, bad);
  parallel_for(index.n, std::max<size_t>(1, 16384 / std::max<size_t>(dim, 1)), [&](size_t i0, size_t i1) {
    for (size_t i = i0; i < i1; i++) std::memcpy(out.f32() + i * dim, w.f32() + static_cast<size_t>(index.i32()[i]) * dim, dim * 4);
  });
  return number(info, -1);
}

}  // namespace exports
}  // namespace zoo
