// Data movement. One generic copy covers every layout op (reshape, permute, transpose, expand,
// slice, slice_scatter, flip, pad, concat, stack, split): for each index (j_0, ..., j_{r-1}) of the
// iteration shape,
//   dst[dstOffset + Σ_k dstStrides[k]·j_k] = src[Σ_k table_k[j_k]]   (fill where any table entry is -1)
// where table_k holds shape[k] entries (the tables of kernels/ref/layout-util.ts). Rows whose
// table is a contiguous run and whose destination is contiguous are memcpy'd. Offsets are checked
// against both arrays before anything is touched. Plus tril/triu (a diagonal mask).
#include <algorithm>
#include <vector>

#include "iter.h"
#include "zoo.h"

namespace zoo {
namespace {

size_t elem_size(DType t) { return t == U8 ? 1 : 4; }

template <class T>
void copy_rows(const T* src, T* dst, int rank, const int32_t* shape, const std::vector<const int32_t*>& tables,
               const int32_t* dstStrides, int64_t dstOffset, T fill) {
  const size_t n = static_cast<size_t>(shape[rank - 1]);
  const int32_t* last = tables[rank - 1];
  const int64_t ds = dstStrides[rank - 1];
  bool contiguous = ds == 1;
  for (size_t j = 0; j < n && contiguous; j++) contiguous = last[j] >= 0 && last[j] == last[0] + static_cast<int32_t>(j);
  size_t rows = 1;
  for (int d = 0; d + 1 < rank; d++) rows *= static_cast<size_t>(shape[d]);
  parallel_for(rows, std::max<size_t>(1, 32768 / std::max<size_t>(n, 1)), [&](size_t r0, size_t r1) {
    int64_t idx[kMaxRank] = {0};
    size_t rem = r0;
    for (int d = rank - 2; d >= 0; d--) {
      idx[d] = static_cast<int64_t>(rem % static_cast<size_t>(shape[d]));
      rem /= static_cast<size_t>(shape[d]);
    }
    for (size_t r = r0; r < r1; r++) {
      int64_t so = 0, dof = dstOffset;
      bool pad = false;
      for (int d = 0; d + 1 < rank; d++) {
        const int32_t t = tables[d][idx[d]];
        pad |= t < 0;
        so += t;
        dof += idx[d] * dstStrides[d];
      }
      T* out = dst + dof;
      if (pad) {
        for (size_t j = 0; j < n; j++) out[j * ds] = fill;
      } else if (contiguous) {
        std::memcpy(out, src + so + last[0], n * sizeof(T));
      } else {
        for (size_t j = 0; j < n; j++) out[j * ds] = last[j] < 0 ? fill : src[so + last[j]];
      }
      for (int d = rank - 2; d >= 0; d--) {
        if (++idx[d] < shape[d]) break;
        idx[d] = 0;
      }
    }
  });
}

}  // namespace

namespace exports {

// copy(src, dst, shape, srcTables, dstStrides, dstOffset, fill)
Napi::Value copy(const Napi::CallbackInfo& info) {
  ZOO_BUF(src, 0);
  ZOO_BUF(dst, 1);
  ZOO_I32S(shape, rank, 2);
  ZOO_I32S(tab, ntab, 3);
  ZOO_I32S(ds, nds, 4);
  const int64_t dstOffset = arg_int(info, 5);
  const double fill = arg_num(info, 6);
  auto bad = [&](const char* why) {
    throw_type(info.Env(), why);
    return info.Env().Undefined();
  };
  if (rank < 1 || rank > static_cast<size_t>(kMaxRank) || nds != rank || elem_size(src.t) != elem_size(dst.t)) return bad("copy: bad rank, strides or element types");
  // Split the tables and bound every offset that can be read or written.
  std::vector<const int32_t*> tables(rank);
  size_t at = 0, total = 1;
  int64_t srcMax = 0, dstMax = dstOffset, dstMin = dstOffset;
  for (size_t d = 0; d < rank; d++) {
    if (shape[d] < 0) return bad("copy: negative dim");
    total *= static_cast<size_t>(shape[d]);
    tables[d] = tab + at;
    at += static_cast<size_t>(shape[d]);
    if (at > ntab) return bad("copy: tables shorter than the shape");
    int32_t hi = 0;
    for (int32_t j = 0; j < shape[d]; j++) hi = std::max(hi, tables[d][j]);
    srcMax += hi;
    const int64_t span = static_cast<int64_t>(std::max(shape[d] - 1, 0)) * ds[d];
    (span > 0 ? dstMax : dstMin) += span;
  }
  if (total == 0) return info.Env().Undefined();
  if (srcMax >= static_cast<int64_t>(src.n) && src.n > 0) return bad("copy: a table reads past the source");
  if (dstMin < 0 || dstMax >= static_cast<int64_t>(dst.n)) return bad("copy: the destination range is out of bounds");
  if (src.n == 0) {
    // Every position must be padding: some dim's table is all -1 (else one position reads).
    bool somePad = false;
    for (size_t d = 0; d < rank; d++) somePad |= std::all_of(tables[d], tables[d] + shape[d], [](int32_t v) { return v < 0; });
    if (!somePad) return bad("copy: reads from an empty source");
  }
  if (elem_size(dst.t) == 1) {
    copy_rows(src.u8(), dst.u8(), static_cast<int>(rank), shape, tables, ds, dstOffset, to_u8(fill));
  } else {
    uint32_t bits;
    if (dst.t == F32) {
      const float f = static_cast<float>(fill);
      std::memcpy(&bits, &f, 4);
    } else {
      bits = static_cast<uint32_t>(to_int32(fill));
    }
    copy_rows(static_cast<const uint32_t*>(src.p), static_cast<uint32_t*>(dst.p), static_cast<int>(rank), shape, tables, ds, dstOffset, bits);
  }
  return info.Env().Undefined();
}

// triangle(x, out, rows, cols, k, upper): keep x[..., i, j] where j - i >= k (triu) or <= k (tril), else 0.
Napi::Value triangle(const Napi::CallbackInfo& info) {
  ZOO_BUF(x, 0);
  ZOO_BUF(y, 1);
  const int64_t rows = arg_int(info, 2), cols = arg_int(info, 3), k = arg_int(info, 4);
  const bool upper = arg_int(info, 5) != 0;
  if (x.n != y.n || elem_size(x.t) != elem_size(y.t) || rows < 0 || cols < 0 || (rows * cols > 0 && x.n % (rows * cols) != 0)) {
    throw_type(info.Env(), "triangle: bad lengths");
    return info.Env().Undefined();
  }
  const size_t es = elem_size(x.t);
  const size_t mats = rows > 0 && cols > 0 ? x.n / (rows * cols) : 0;
  const uint8_t* xs = static_cast<const uint8_t*>(x.p);
  uint8_t* ys = static_cast<uint8_t*>(y.p);
  parallel_for(mats * rows, std::max<int64_t>(1, 32768 / std::max<int64_t>(cols, 1)), [&](size_t r0, size_t r1) {
    for (size_t r = r0; r < r1; r++) {
      const int64_t i = static_cast<int64_t>(r % rows);
      for (int64_t j = 0; j < cols; j++) {
        const bool keep = upper ? j - i >= k : j - i <= k;
        const size_t at = (r * cols + j) * es;
        if (keep) std::memcpy(ys + at, xs + at, es);
        else std::memset(ys + at, 0, es);
      }
    }
  });
  return info.Env().Undefined();
}

}  // namespace exports
}  // namespace zoo
