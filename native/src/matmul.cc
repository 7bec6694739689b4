// Batched sgemm, C[b] = op(A)[b'] · op(B)[b''] (kernels.md §4.1): BLIS-style blocking with
// NC = 4080, KC = 256, MC = 144; op(B) is packed per (jc, pc) block into KC×NR slivers (NR = 16
// columns) shared by all threads, op(A) per (ic, pc) into MR×KC slivers (MR = 6 rows) in a
// thread-local buffer, and a 6×16 micro-kernel keeps its 12 accumulators (6 rows × 2 ymm) in
// registers (AVX2+FMA broadcast kernel; a portable variant does the same in plain loops).
// Edge tiles: packing zero-pads rows/columns past M/N, and an edge tile is computed whole into a
// local tile and only its valid mr×nr part is written. Accumulation is float32, in K order
// within a KC block; blocks after the first add to C.
// Threads: the macro tiles (MC rows × a run of NR slivers) of one (jc, pc) block are independent
// and go to the pool; many small batches go to the pool whole, one single-threaded GEMM each.
// aOffsets/bOffsets give each output batch's first element in a and b (broadcast batch dims).
#include <algorithm>
#include <cstdlib>

#include "zoo.h"

#if ZOO_X86
#include <immintrin.h>
#endif

namespace zoo {
namespace {

constexpr size_t MR = 6, NR = 16;
constexpr size_t MC = 144, KC = 256, NC = 4080;

struct Operands {
  const float* A;  // op(A) is (M, K): A is (M, K), or (K, M) when transA
  const float* B;  // op(B) is (K, N): B is (K, N), or (N, K) when transB
  float* C;        // (M, N), row-major
  size_t M, K, N;
  bool tA, tB;
};

// ---- packing (shared by both paths; plain loops the compiler vectorizes where it can) ----------

/** op(B)[pc:pc+kc, j0:j0+nc] into slivers of NR columns: sliver s holds kc rows of NR floats. */
ZOO_INLINE void pack_b_slivers(const Operands& o, size_t pc, size_t kc, size_t j0, size_t s0, size_t s1, float* dst) {
  for (size_t s = s0; s < s1; s++) {
    float* d = dst + s * kc * NR;
    const size_t j = j0 + s * NR, nr = std::min(NR, o.N - std::min(o.N, j));
    if (!o.tB) {
      const float* src = o.B + pc * o.N + j;
      for (size_t k = 0; k < kc; k++, d += NR, src += o.N) {
        size_t c = 0;
        for (; c < nr; c++) d[c] = src[c];
        for (; c < NR; c++) d[c] = 0.f;
      }
    } else {
      // B is (N, K): column j of op(B) is row j of B, contiguous in k.
      for (size_t c = 0; c < NR; c++) {
        if (c < nr) {
          const float* src = o.B + (j + c) * o.K + pc;
          for (size_t k = 0; k < kc; k++) d[k * NR + c] = src[k];
        } else {
          for (size_t k = 0; k < kc; k++) d[k * NR + c] = 0.f;
        }
      }
    }
  }
}

/** op(A)[i0:i0+mc, pc:pc+kc] into slivers of MR rows: sliver r holds kc columns of MR floats. */
ZOO_INLINE void pack_a(const Operands& o, size_t i0, size_t mc, size_t pc, size_t kc, float* dst) {
  for (size_t r = 0; r < mc; r += MR, dst += kc * MR) {
    const size_t mr = std::min(MR, mc - r);
    if (!o.tA) {
      for (size_t i = 0; i < MR; i++) {
        if (i < mr) {
          const float* src = o.A + (i0 + r + i) * o.K + pc;
          for (size_t k = 0; k < kc; k++) dst[k * MR + i] = src[k];
        } else {
          for (size_t k = 0; k < kc; k++) dst[k * MR + i] = 0.f;
        }
      }
    } else {
      // A is (K, M): row k of A holds op(A)[:, k], contiguous in i.
      const float* src = o.A + pc * o.M + i0 + r;
      for (size_t k = 0; k < kc; k++, src += o.M) {
        size_t i = 0;
        for (; i < mr; i++) dst[k * MR + i] = src[i];
        for (; i < MR; i++) dst[k * MR + i] = 0.f;
      }
    }
  }
}

/** Writes (or adds, when acc) the valid mr×nr part of a full MR×NR tile to C. */
ZOO_INLINE void store_edge(const float* tile, float* C, size_t ldc, size_t mr, size_t nr, bool acc) {
  for (size_t i = 0; i < mr; i++)
    for (size_t j = 0; j < nr; j++) C[i * ldc + j] = acc ? C[i * ldc + j] + tile[i * NR + j] : tile[i * NR + j];
}

// ---- micro-kernels -------------------------------------------------------------------------------

#if ZOO_X86
ZOO_AVX2 void ukernel_avx2(size_t kc, const float* __restrict a, const float* __restrict b, float* C, size_t ldc,
                           size_t mr, size_t nr, bool acc) {
  __m256 c00 = _mm256_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
  __m256 c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
  for (size_t k = 0; k < kc; k++, a += MR, b += NR) {
    const __m256 b0 = _mm256_load_ps(b), b1 = _mm256_load_ps(b + 8);
    __m256 x = _mm256_broadcast_ss(a + 0);
    c00 = _mm256_fmadd_ps(x, b0, c00);
    c01 = _mm256_fmadd_ps(x, b1, c01);
    x = _mm256_broadcast_ss(a + 1);
    c10 = _mm256_fmadd_ps(x, b0, c10);
    c11 = _mm256_fmadd_ps(x, b1, c11);
    x = _mm256_broadcast_ss(a + 2);
    c20 = _mm256_fmadd_ps(x, b0, c20);
    c21 = _mm256_fmadd_ps(x, b1, c21);
    x = _mm256_broadcast_ss(a + 3);
    c30 = _mm256_fmadd_ps(x, b0, c30);
    c31 = _mm256_fmadd_ps(x, b1, c31);
    x = _mm256_broadcast_ss(a + 4);
    c40 = _mm256_fmadd_ps(x, b0, c40);
    c41 = _mm256_fmadd_ps(x, b1, c41);
    x = _mm256_broadcast_ss(a + 5);
    c50 = _mm256_fmadd_ps(x, b0, c50);
    c51 = _mm256_fmadd_ps(x, b1, c51);
  }
  const __m256 rows[MR][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}, {c50, c51}};
  if (mr == MR && nr == NR) {
    for (size_t i = 0; i < MR; i++) {
      float* c = C + i * ldc;
      __m256 r0 = rows[i][0], r1 = rows[i][1];
      if (acc) {
        r0 = _mm256_add_ps(_mm256_loadu_ps(c), r0);
        r1 = _mm256_add_ps(_mm256_loadu_ps(c + 8), r1);
      }
      _mm256_storeu_ps(c, r0);
      _mm256_storeu_ps(c + 8, r1);
    }
    return;
  }
  alignas(32) float tile[MR * NR];
  for (size_t i = 0; i < MR; i++) {
    _mm256_store_ps(tile + i * NR, rows[i][0]);
    _mm256_store_ps(tile + i * NR + 8, rows[i][1]);
  }
  store_edge(tile, C, ldc, mr, nr, acc);
}
#endif

void ukernel_generic(size_t kc, const float* __restrict a, const float* __restrict b, float* C, size_t ldc, size_t mr,
                     size_t nr, bool acc) {
  alignas(64) float tile[MR * NR] = {};
  for (size_t k = 0; k < kc; k++, a += MR, b += NR)
    for (size_t i = 0; i < MR; i++)
      for (size_t j = 0; j < NR; j++) tile[i * NR + j] += a[i] * b[j];
  store_edge(tile, C, ldc, mr, nr, acc);
}

using Ukernel = void (*)(size_t, const float*, const float*, float*, size_t, size_t, size_t, bool);

#if ZOO_X86
ZOO_AVX2 void pack_a_avx2(const Operands& o, size_t i0, size_t mc, size_t pc, size_t kc, float* d) { pack_a(o, i0, mc, pc, kc, d); }
ZOO_AVX2 void pack_b_avx2(const Operands& o, size_t pc, size_t kc, size_t j0, size_t s0, size_t s1, float* d) {
  pack_b_slivers(o, pc, kc, j0, s0, s1, d);
}
#endif
void pack_a_generic(const Operands& o, size_t i0, size_t mc, size_t pc, size_t kc, float* d) { pack_a(o, i0, mc, pc, kc, d); }
void pack_b_generic(const Operands& o, size_t pc, size_t kc, size_t j0, size_t s0, size_t s1, float* d) {
  pack_b_slivers(o, pc, kc, j0, s0, s1, d);
}

struct Path {
  Ukernel uk;
  void (*pa)(const Operands&, size_t, size_t, size_t, size_t, float*);
  void (*pb)(const Operands&, size_t, size_t, size_t, size_t, size_t, float*);
};

Path path() {
#if ZOO_X86
  if (use_avx2()) return {ukernel_avx2, pack_a_avx2, pack_b_avx2};
#endif
  return {ukernel_generic, pack_a_generic, pack_b_generic};
}

/** Thread-local, 64-byte aligned, grow-only buffer for the packed A block (MC×KC floats). */
float* a_buffer() {
  static thread_local Scratch* buf = nullptr;
  if (!buf) buf = new Scratch(MC * KC * sizeof(float));  // NOTE: one per thread, never freed
  return buf->as<float>();
}

/** C = op(A)·op(B) for one batch. `bp` holds NC/NR slivers of KC×NR floats; `threaded` uses the pool. */
void gemm(const Path& p, const Operands& o, float* bp, bool threaded) {
  const size_t M = o.M, K = o.K, N = o.N;
  if (K == 0) {
    std::fill(o.C, o.C + M * N, 0.f);
    return;
  }
  for (size_t jc = 0; jc < N; jc += NC) {
    const size_t nc = std::min(NC, N - jc), slivers = (nc + NR - 1) / NR;
    for (size_t pc = 0; pc < K; pc += KC) {
      const size_t kc = std::min(KC, K - pc);
      const bool acc = pc > 0;
      if (threaded)
        parallel_for(slivers, std::max<size_t>(1, 16384 / kc), [&](size_t s0, size_t s1) { p.pb(o, pc, kc, jc, s0, s1, bp); });
      else
        p.pb(o, pc, kc, jc, 0, slivers, bp);
      // Macro tiles: MC rows × a run of `run` slivers; the run shrinks until there are enough
      // tiles for every thread (each tile packs its own A block, so runs stay >= 4 slivers).
      const size_t mblocks = (M + MC - 1) / MC;
      const size_t want = threaded ? static_cast<size_t>(thread_count()) * 4 : 1;
      size_t runs = 1;
      while (mblocks * runs < want && slivers / (runs * 2) >= 4) runs *= 2;
      const size_t run = (slivers + runs - 1) / runs;
      runs = (slivers + run - 1) / run;
      auto tile = [&](size_t t) {
        const size_t ib = t / runs, jr = t % runs;
        const size_t i0 = ib * MC, mc = std::min(MC, M - i0);
        const size_t s0 = jr * run, s1 = std::min(slivers, s0 + run);
        float* ap = a_buffer();
        p.pa(o, i0, mc, pc, kc, ap);
        for (size_t s = s0; s < s1; s++) {
          const size_t j = jc + s * NR, nr = std::min(NR, N - j);
          const float* b = bp + s * kc * NR;
          for (size_t r = 0; r < mc; r += MR)
            p.uk(kc, ap + r * kc, b, o.C + (i0 + r) * N + j, N, std::min(MR, mc - r), nr, acc);
        }
      };
      const size_t tiles = mblocks * runs;
      if (threaded && tiles > 1)
        parallel_for(tiles, 1, [&](size_t t0, size_t t1) {
          for (size_t t = t0; t < t1; t++) tile(t);
        });
      else
        for (size_t t = 0; t < tiles; t++) tile(t);
    }
  }
}

}  // namespace

namespace exports {

// matmul(a, b, out, aOffsets, bOffsets, M, K, N, transA, transB)
Napi::Value matmul(const Napi::CallbackInfo& info) {
  ZOO_BUF(a, 0);
  ZOO_BUF(b, 1);
  ZOO_BUF(c, 2);
  ZOO_I32S(aOff, nb, 3);
  ZOO_I32S(bOff, nb2, 4);
  const size_t M = arg_int(info, 5), K = arg_int(info, 6), N = arg_int(info, 7);
  const bool tA = arg_int(info, 8) != 0, tB = arg_int(info, 9) != 0;
  bool ok = a.t == F32 && b.t == F32 && c.t == F32 && nb == nb2 && c.n == nb * M * N;
  for (size_t p = 0; ok && p < nb; p++)
    ok = aOff[p] >= 0 && bOff[p] >= 0 && aOff[p] + M * K <= a.n && bOff[p] + K * N <= b.n;
  if (!ok) {
    throw_type(info.Env(), "matmul: bad arguments");
    return info.Env().Undefined();
  }
  if (M == 0 || N == 0 || nb == 0) return info.Env().Undefined();
  const Path p = path();
  const size_t ncap = std::min(NC, (N + NR - 1) / NR * NR), kcap = std::min(KC, K);
  const size_t panel = std::max<size_t>(1, ncap * kcap);
  auto ops = [&](size_t q) {
    return Operands{a.f32() + aOff[q], b.f32() + bOff[q], c.f32() + q * M * N, M, K, N, tA, tB};
  };
  const size_t threads = static_cast<size_t>(thread_count());
  const double work = static_cast<double>(M) * N * std::max<size_t>(K, 1);
  if (nb >= threads && threads > 1 && work < 4e6) {
    // Many small products: one single-threaded GEMM per batch, batches spread over the pool.
    parallel_for(nb, 1, [&](size_t q0, size_t q1) {
      Scratch bp(panel * sizeof(float));
      for (size_t q = q0; q < q1; q++) gemm(p, ops(q), bp.as<float>(), false);
    });
    return info.Env().Undefined();
  }
  Scratch bp(panel * sizeof(float));
  for (size_t q = 0; q < nb; q++) gemm(p, ops(q), bp.as<float>(), threads > 1 && work >= 32768);
  return info.Env().Undefined();
}

}  // namespace exports
}  // namespace zoo
