// The one strided iterator of the elementwise kernels: an output of shape (d0, ..., d{r-1}),
// row-major, and K operands each with one stride per output dim (0 where it broadcasts). Rows are
// runs along the last dim; rows [begin, end) are visited with each operand's offset at the row
// start, so a thread can start anywhere (its first offsets come from div/mod of the row index).
#pragma once
#include <cstddef>
#include <cstdint>

namespace zoo {

constexpr int kMaxRank = 16;

template <int K>
struct Strided {
  int rank;
  const int32_t* shape;
  const int32_t* strides[K];

  size_t rows() const {
    size_t r = 1;
    for (int d = 0; d + 1 < rank; d++) r *= static_cast<size_t>(shape[d]);
    return r;
  }
  size_t len() const { return rank ? static_cast<size_t>(shape[rank - 1]) : 1; }
  int64_t inner(int k) const { return rank ? strides[k][rank - 1] : 0; }

  /** fn(off[K], row) for rows [begin, end); off[k] is operand k's offset of the row's first element. */
  template <class F>
  void for_rows(size_t begin, size_t end, F&& fn) const {
    if (begin >= end) return;
    int64_t idx[kMaxRank] = {0};
    int64_t off[K] = {0};
    size_t rem = begin;
    for (int d = rank - 2; d >= 0; d--) {
      idx[d] = static_cast<int64_t>(rem % static_cast<size_t>(shape[d]));
      rem /= static_cast<size_t>(shape[d]);
    }
    for (int k = 0; k < K; k++)
      for (int d = 0; d + 1 < rank; d++) off[k] += idx[d] * strides[k][d];
    for (size_t row = begin; row < end; row++) {
      fn(off, row);
      for (int d = rank - 2; d >= 0; d--) {  // odometer step over the outer dims
        for (int k = 0; k < K; k++) off[k] += strides[k][d];
        if (++idx[d] < shape[d]) break;
        for (int k = 0; k < K; k++) off[k] -= strides[k][d] * shape[d];
        idx[d] = 0;
      }
    }
  }
};

}  // namespace zoo
