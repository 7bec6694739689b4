// Convolutions on matmul.cc's packed sgemm (kernels.md §4.3: im2col + GEMM), x (N,C,H,W):
//   conv2d:           y[n, g] (Og, L) = W_g (Og, Cg·kh·kw) · cols[n, g] (Cg·kh·kw, L)  (+ b)
//                     cols = im2col(x[n, g]): cols[c·kk + t, l] = x[c, tap(t, l)] or 0 at padding;
//                     a 1×1 stride-1 unpadded conv uses x itself as cols.
//   conv_transpose2d: cols[n, g] (Og·kh·kw, L) = W_gᵀ · x[n, g] (Cg, L), y = col2im(cols) (+ b),
//                     the adjoint of conv2d's im2col (taps outside y are dropped).
//   conv2d_weight_grad: dW_g (Og, Cg·kh·kw) = Σ_n dOut[n, g] (Og, L) · cols[n, g]ᵀ, the n terms
//                     summed in order into dW.
// Window geometry per spatial dim (engine/ops/nn/conv-util.ts Win): output/window position r of
// kernel offset i reads input row r·s - lo + i·d. conv1d is conv2d with H = kh = 1.
// NOTE: a conv2d weight (a weight gradient's dOut) that is not finite takes a direct loop that
// skips padding taps, as the float64 oracle does (im2col's padding zeros would turn inf·0 into NaN).
// Threads: (n, g) jobs spread over the pool, one single-threaded GEMM each, when there are enough
// of them; otherwise the jobs run in turn and the GEMM and im2col/col2im use the pool.
#include <algorithm>
#include <cmath>

#include "zoo.h"

namespace zoo {
namespace {

struct Geom {
  size_t N, C, H, W, O, G, kh, kw;
  int64_t sh, sw, dh, dw, lo_h, lo_w;
  size_t oh, ow;
  size_t Cg() const { return C / G; }
  size_t Og() const { return O / G; }
  size_t K() const { return kh * kw; }
  size_t L() const { return oh * ow; }
  size_t HW() const { return H * W; }
};

/** Reads the 16 geometry ints; false when a count is negative, zero where it must not be, or G does not divide C and O. */
bool read_geom(const int32_t* g, size_t n, Geom& o) {
  if (n != 16) return false;
  for (size_t i = 0; i < 16; i++)
    if (g[i] < 0) return false;
  o = {static_cast<size_t>(g[0]), static_cast<size_t>(g[1]), static_cast<size_t>(g[2]), static_cast<size_t>(g[3]),
       static_cast<size_t>(g[4]), static_cast<size_t>(g[5]), static_cast<size_t>(g[6]), static_cast<size_t>(g[7]),
       g[8], g[9], g[10], g[11], g[12], g[13], static_cast<size_t>(g[14]), static_cast<size_t>(g[15])};
  return o.G > 0 && o.C % o.G == 0 && o.O % o.G == 0 && o.kh > 0 && o.kw > 0 && o.sh > 0 && o.sw > 0 && o.dh > 0 && o.dw > 0;
}

/** Input row (or column) of window position r and kernel offset i; -1 when it falls in the padding. */
ZOO_INLINE int64_t tap(size_t r, size_t i, int64_t s, int64_t lo, int64_t d, size_t size) {
  const int64_t v = static_cast<int64_t>(r) * s - lo + static_cast<int64_t>(i) * d;
  return v >= 0 && v < static_cast<int64_t>(size) ? v : -1;
}

/** cols rows [c0, c1) of one group: cols[(c·kh + i)·kw + j, r·ow + q] = x[c, row, col] or 0. */
void im2col_rows(const Geom& g, const float* x, float* cols, size_t c0, size_t c1) {
  const size_t L = g.L();
  for (size_t c = c0; c < c1; c++) {
    const float* xc = x + c * g.HW();
    for (size_t i = 0; i < g.kh; i++) {
      for (size_t j = 0; j < g.kw; j++) {
        float* dst = cols + ((c * g.kh + i) * g.kw + j) * L;
        for (size_t r = 0; r < g.oh; r++, dst += g.ow) {
          const int64_t row = tap(r, i, g.sh, g.lo_h, g.dh, g.H);
          if (row < 0) {
            std::fill(dst, dst + g.ow, 0.f);
            continue;
          }
          const float* xr = xc + row * g.W;
          const int64_t c0q = static_cast<int64_t>(j) * g.dw - g.lo_w;
          if (g.sw == 1 && c0q >= 0 && c0q + static_cast<int64_t>(g.ow) <= static_cast<int64_t>(g.W)) {
            std::copy(xr + c0q, xr + c0q + g.ow, dst);
            continue;
          }
          for (size_t q = 0; q < g.ow; q++) {
            const int64_t col = c0q + static_cast<int64_t>(q) * g.sw;
            dst[q] = col >= 0 && col < static_cast<int64_t>(g.W) ? xr[col] : 0.f;
          }
        }
      }
    }
  }
}

/** y planes [o0, o1) of one group += col2im(cols): y[o, row, col] += cols[(o·kh + i)·kw + j, r·ow + q]. */
void col2im_planes(const Geom& g, const float* cols, float* y, size_t o0, size_t o1) {
  // Here (H, W) is y's size and (oh, ow) the grid of x positions (the conv2d that this is the adjoint of).
  const size_t L = g.L();
  for (size_t o = o0; o < o1; o++) {
    float* yo = y + o * g.HW();
    for (size_t i = 0; i < g.kh; i++) {
      for (size_t j = 0; j < g.kw; j++) {
        const float* src = cols + ((o * g.kh + i) * g.kw + j) * L;
        for (size_t r = 0; r < g.oh; r++, src += g.ow) {
          const int64_t row = tap(r, i, g.sh, g.lo_h, g.dh, g.H);
          if (row < 0) continue;
          float* yr = yo + row * g.W;
          for (size_t q = 0; q < g.ow; q++) {
            const int64_t col = static_cast<int64_t>(q) * g.sw - g.lo_w + static_cast<int64_t>(j) * g.dw;
            if (col >= 0 && col < static_cast<int64_t>(g.W)) yr[col] += src[q];
          }
        }
      }
    }
  }
}

/** out[o, :] += b[o] for `rows` rows of length `len`. */
void add_bias(float* out, const float* b, size_t rows, size_t len) {
  for (size_t o = 0; o < rows; o++) {
    const float v = b[o];
    float* p = out + o * len;
    for (size_t l = 0; l < len; l++) p[l] += v;
  }
}

/** True when conv2d's cols are x itself: a 1×1 kernel, stride 1, no padding (output = input grid). */
bool identity_cols(const Geom& g) {
  return g.kh == 1 && g.kw == 1 && g.sh == 1 && g.sw == 1 && g.lo_h == 0 && g.lo_w == 0 && g.oh == g.H && g.ow == g.W;
}

/**
 * Scratch floats for one job: the calling thread's grow-only buffer (kept between calls, so the
 * im2col pages are not faulted in again on every call), or a temporary one past kKeepFloats.
 */
class ThreadScratch {
 public:
  static constexpr size_t kKeepFloats = size_t{8} << 20;  // 32 MiB per thread at most
  explicit ThreadScratch(size_t n) {
    if (n > kKeepFloats) {
      own_ = new Scratch(n * sizeof(float));
      p_ = own_->as<float>();
      return;
    }
    static thread_local Scratch* kept = nullptr;  // NOTE: one per thread, never freed
    static thread_local size_t cap = 0;
    if (n > cap || !kept) {
      delete kept;
      cap = std::max<size_t>(n, 1);
      kept = new Scratch(cap * sizeof(float));
    }
    p_ = kept->as<float>();
  }
  ~ThreadScratch() { delete own_; }
  ThreadScratch(const ThreadScratch&) = delete;
  ThreadScratch& operator=(const ThreadScratch&) = delete;
  float* get() const { return p_; }

 private:
  Scratch* own_ = nullptr;
  float* p_ = nullptr;
};

/**
 * Runs job(q, threaded, scratch) for q < jobs with `scratch_floats` of scratch per running job:
 * spread over the pool (one single-threaded GEMM each) when there are enough jobs, else in turn
 * with the pool inside each job.
 */
template <class Job>
void run_jobs(size_t jobs, double work_per_job, size_t scratch_floats, const Job& job) {
  const size_t threads = static_cast<size_t>(thread_count());
  const bool spread = threads > 1 && (jobs >= 2 * threads || (jobs >= threads && work_per_job < 4e6));
  if (spread) {
    parallel_for(jobs, 1, [&](size_t q0, size_t q1) {
      ThreadScratch s(scratch_floats);
      for (size_t q = q0; q < q1; q++) job(q, false, s.get());
    });
    return;
  }
  ThreadScratch s(scratch_floats);
  for (size_t q = 0; q < jobs; q++) job(q, threads > 1, s.get());
}

void conv2d_gemm(const Geom& g, const float* x, const float* w, const float* b, float* y) {
  const size_t Cg = g.Cg(), Og = g.Og(), ck = Cg * g.K(), L = g.L();
  const bool direct_cols = identity_cols(g);
  const double work = static_cast<double>(Og) * ck * L;
  run_jobs(g.N * g.G, work, direct_cols ? 0 : ck * L, [&](size_t q, bool threaded, float* cols) {
    const size_t n = q / g.G, grp = q % g.G;
    const float* xg = x + (n * g.C + grp * Cg) * g.HW();
    float* yg = y + (n * g.O + grp * Og) * L;
    const float* wg = w + grp * Og * ck;
    if (direct_cols) {
      sgemm(wg, xg, yg, Og, ck, L, false, false, threaded);
    } else {
      if (threaded)
        parallel_for(Cg, 1, [&](size_t c0, size_t c1) { im2col_rows(g, xg, cols, c0, c1); });
      else
        im2col_rows(g, xg, cols, 0, Cg);
      sgemm(wg, cols, yg, Og, ck, L, false, false, threaded);
    }
    if (b) add_bias(yg, b + grp * Og, Og, L);
  });
}

/** Direct conv2d (non-finite weights): each output sums w·x over the in-range taps only, as ref. */
void conv2d_direct(const Geom& g, const float* x, const float* w, const float* b, float* y) {
  const size_t Cg = g.Cg(), Og = g.Og(), K = g.K(), L = g.L();
  parallel_for(g.N * g.O, 1, [&](size_t q0, size_t q1) {
    for (size_t q = q0; q < q1; q++) {
      const size_t n = q / g.O, o = q % g.O, grp = o / Og;
      const float* xg = x + (n * g.C + grp * Cg) * g.HW();
      const float* wo = w + o * Cg * K;
      float* yo = y + q * L;
      for (size_t r = 0; r < g.oh; r++) {
        for (size_t s = 0; s < g.ow; s++) {
          float acc = b ? b[o] : 0.f;
          for (size_t c = 0; c < Cg; c++) {
            for (size_t i = 0; i < g.kh; i++) {
              const int64_t row = tap(r, i, g.sh, g.lo_h, g.dh, g.H);
              if (row < 0) continue;
              for (size_t j = 0; j < g.kw; j++) {
                const int64_t col = tap(s, j, g.sw, g.lo_w, g.dw, g.W);
                if (col >= 0) acc += wo[(c * g.kh + i) * g.kw + j] * xg[c * g.HW() + row * g.W + col];
              }
            }
          }
          yo[r * g.ow + s] = acc;
        }
      }
    }
  });
}

void conv_transpose2d_gemm(const Geom& g, const float* x, const float* w, const float* b, float* y) {
  // x (N, C, oh, ow) with C = G·Cg, weight (C, Og, kh, kw), y (N, O, H, W).
  const size_t Cg = g.Cg(), Og = g.Og(), ok = Og * g.K(), L = g.L();
  std::fill(y, y + g.N * g.O * g.HW(), 0.f);
  const double work = static_cast<double>(ok) * Cg * L;
  run_jobs(g.N * g.G, work, ok * L, [&](size_t q, bool threaded, float* cols) {
    const size_t n = q / g.G, grp = q % g.G;
    const float* xg = x + (n * g.C + grp * Cg) * L;
    const float* wg = w + grp * Cg * ok;
    float* yg = y + (n * g.O + grp * Og) * g.HW();
    // cols (Og·kh·kw, L) = W_gᵀ x_g: W_g is stored (Cg, Og·kh·kw).
    sgemm(wg, xg, cols, ok, Cg, L, true, false, threaded);
    if (threaded)
      parallel_for(Og, 1, [&](size_t o0, size_t o1) { col2im_planes(g, cols, yg, o0, o1); });
    else
      col2im_planes(g, cols, yg, 0, Og);
    if (b) add_bias(yg, b + grp * Og, Og, g.HW());
  });
}

void conv2d_weight_grad_gemm(const Geom& g, const float* x, const float* dy, float* dw) {
  const size_t Cg = g.Cg(), Og = g.Og(), ck = Cg * g.K(), L = g.L();
  const bool direct_cols = identity_cols(g);
  const double work = static_cast<double>(Og) * ck * L * g.N;
  // Scratch per job: cols (ck, L) and one n term (Og, ck).
  run_jobs(g.G, work, (direct_cols ? 0 : ck * L) + Og * ck, [&](size_t grp, bool threaded, float* scratch) {
    float* cols = scratch;
    float* term = scratch + (direct_cols ? 0 : ck * L);
    float* dwg = dw + grp * Og * ck;
    for (size_t n = 0; n < g.N; n++) {
      const float* xg = x + (n * g.C + grp * Cg) * g.HW();
      const float* dyg = dy + (n * g.O + grp * Og) * L;
      const float* b = xg;
      if (!direct_cols) {
        if (threaded)
          parallel_for(Cg, 1, [&](size_t c0, size_t c1) { im2col_rows(g, xg, cols, c0, c1); });
        else
          im2col_rows(g, xg, cols, 0, Cg);
        b = cols;
      }
      // (Og, L) · (ck, L)ᵀ: B is cols read transposed.
      sgemm(dyg, b, n == 0 ? dwg : term, Og, L, ck, false, true, threaded);
      if (n > 0)
        for (size_t i = 0; i < Og * ck; i++) dwg[i] += term[i];
    }
    if (g.N == 0) std::fill(dwg, dwg + Og * ck, 0.f);
  });
}

/** Direct weight gradient (non-finite dOut): each dW element sums dOut·x over the in-range taps only, as ref. */
void conv2d_weight_grad_direct(const Geom& g, const float* x, const float* dy, float* dw) {
  const size_t Cg = g.Cg(), Og = g.Og(), L = g.L();
  parallel_for(g.O * Cg, 1, [&](size_t q0, size_t q1) {
    for (size_t q = q0; q < q1; q++) {
      const size_t o = q / Cg, c = q % Cg, grp = o / Og;
      for (size_t i = 0; i < g.kh; i++) {
        for (size_t j = 0; j < g.kw; j++) {
          float acc = 0.f;
          for (size_t n = 0; n < g.N; n++) {
            const float* xc = x + (n * g.C + grp * Cg + c) * g.HW();
            const float* dyo = dy + (n * g.O + o) * L;
            for (size_t r = 0; r < g.oh; r++) {
              const int64_t row = tap(r, i, g.sh, g.lo_h, g.dh, g.H);
              if (row < 0) continue;
              for (size_t s = 0; s < g.ow; s++) {
                const int64_t col = tap(s, j, g.sw, g.lo_w, g.dw, g.W);
                if (col >= 0) acc += dyo[r * g.ow + s] * xc[row * g.W + col];
              }
            }
          }
          dw[(q * g.kh + i) * g.kw + j] = acc;
        }
      }
    }
  });
}

/** Shared argument checks of conv2d / convTranspose2d: (x, w, bias, out, geom) with the sizes `want`. */
bool conv_args(const Napi::CallbackInfo& info, Buf& x, Buf& w, Buf& b, Buf& y, Geom& g, bool transpose) {
  if (!arg_buf(info, 0, x) || !arg_buf(info, 1, w) || !arg_buf(info, 2, b) || !arg_buf(info, 3, y)) return false;
  const int32_t* gp = nullptr;
  size_t gn = 0;
  if (!arg_i32s(info, 4, gp, gn)) return false;
  bool ok = x.t == F32 && w.t == F32 && b.t == F32 && y.t == F32 && read_geom(gp, gn, g);
  if (ok) {
    // conv2d: x (N,C,H,W) -> y (N,O,oh,ow); transpose: x (N,C,oh,ow) -> y (N,O,H,W).
    const size_t xn = g.N * g.C * (transpose ? g.L() : g.HW()), yn = g.N * g.O * (transpose ? g.HW() : g.L());
    const size_t wn = transpose ? g.C * g.Og() * g.K() : g.O * g.Cg() * g.K();
    ok = x.n == xn && y.n == yn && w.n == wn && (b.n == 0 || b.n == g.O);
  }
  if (!ok) throw_type(info.Env(), transpose ? "convTranspose2d: bad arguments" : "conv2d: bad arguments");
  return ok;
}

}  // namespace

namespace exports {

// conv2d(x, w, bias (empty: none), out, geom [N,C,H,W,O,G,kh,kw,sh,sw,dh,dw,lo_h,lo_w,oh,ow])
Napi::Value conv2d(const Napi::CallbackInfo& info) {
  Buf x, w, b, y;
  Geom g;
  if (!conv_args(info, x, w, b, y, g, false)) return info.Env().Undefined();
  if (y.n == 0) return info.Env().Undefined();
  const float* bias = b.n ? b.f32() : nullptr;
  if (all_finite(w.f32(), w.n))
    conv2d_gemm(g, x.f32(), w.f32(), bias, y.f32());
  else
    conv2d_direct(g, x.f32(), w.f32(), bias, y.f32());
  return info.Env().Undefined();
}

// convTranspose2d(x, w, bias (empty: none), out, geom [N,C,H,W,O,G,kh,kw,sh,sw,dh,dw,lo_h,lo_w,oh,ow]):
// (H, W) is the output's size, (oh, ow) x's: the geometry of the conv2d it is the adjoint of.
Napi::Value convTranspose2d(const Napi::CallbackInfo& info) {
  Buf x, w, b, y;
  Geom g;
  if (!conv_args(info, x, w, b, y, g, true)) return info.Env().Undefined();
  if (y.n == 0) return info.Env().Undefined();
  conv_transpose2d_gemm(g, x.f32(), w.f32(), b.n ? b.f32() : nullptr, y.f32());
  return info.Env().Undefined();
}

// conv2dWeightGrad(x, dOut, out, geom [N,C,H,W,O,G,kh,kw,sh,sw,dh,dw,lo_h,lo_w,oh,ow]): out (O, C/G, kh, kw).
Napi::Value conv2dWeightGrad(const Napi::CallbackInfo& info) {
  Buf x, dy, dw;
  Geom g;
  const int32_t* gp = nullptr;
  size_t gn = 0;
  if (!arg_buf(info, 0, x) || !arg_buf(info, 1, dy) || !arg_buf(info, 2, dw) || !arg_i32s(info, 3, gp, gn)) return info.Env().Undefined();
  const bool ok = x.t == F32 && dy.t == F32 && dw.t == F32 && read_geom(gp, gn, g) && x.n == g.N * g.C * g.HW() &&
                  dy.n == g.N * g.O * g.L() && dw.n == g.O * g.Cg() * g.K();
  if (!ok) {
    throw_type(info.Env(), "conv2dWeightGrad: bad arguments");
    return info.Env().Undefined();
  }
  if (dw.n == 0) return info.Env().Undefined();
  if (all_finite(dy.f32(), dy.n))
    conv2d_weight_grad_gemm(g, x.f32(), dy.f32(), dw.f32());
  else
    conv2d_weight_grad_direct(g, x.f32(), dy.f32(), dw.f32());
  return info.Env().Undefined();
}

}  // namespace exports
}  // namespace zoo
