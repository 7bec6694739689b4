// Batched sgemm, C[b] = op(A)[b'] · op(B)[b''] (kernels.md §4.1), and its fused-epilogue form for
// linear (gemm.h). BLIS-style blocking: for each NC block of columns, op(B) is packed once for
// ALL of K (KC = 256 row blocks of NR = 16 column slivers) and shared by the thread team; NC shrinks
// so that panel stays within kPanelBytes (L3). The team then takes macro tiles (up to MC rows × a
// run of slivers) from the pool's atomic counter; each tile walks the K blocks itself, packing its
// rows of op(A) per block into MR = 6 row slivers in a thread-local buffer (its own L2), so the
// C tile stays with one thread and there is one barrier per NC block, not per K block.
// Micro-kernel: 6×16 with 12 accumulators (6 rows × 2 ymm), k unrolled by 4, C (and the residual)
// prefetched before the K loop (AVX2+FMA broadcast kernel; a portable variant does the same in
// plain loops). Edge tiles: packing zero-pads rows/columns past M/N, and an edge tile is finished
// in a local tile of which only the valid mr×nr part is written. Accumulation is float32 in K order
// within a KC block; blocks after the first add to C; the last block applies the epilogue.
// M is cut into equal row blocks (multiples of MR, at most MC) so the threads finish together.
// Packing six full rows of a row-major op(A) uses 8×8 register transposes on the AVX2 path.
// Many small batches go to the pool whole, one single-threaded GEMM each.
// aOffsets/bOffsets give each output batch's first element in a and b (broadcast batch dims).
#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "gemm.h"
#include "vecmath.h"
#include "zoo.h"

#if ZOO_X86
#include <immintrin.h>
#endif

namespace zoo {
namespace {

using vm::V;

constexpr size_t MR = 6, NR = 16;
constexpr size_t MC = 144, KC = 256, NC = 4080;
/** Floats past the packed A block that pack_six_avx2 may write (zeros, never read). */
constexpr size_t kASlack = 8;
/** Packed op(B) (all of K × one NC block) a call may hold; NC shrinks to fit (L3 is 32 MiB). */
constexpr size_t kPanelBytes = size_t(8) << 20;

struct Operands {
  const float* A;  // op(A) is (M, K): A is (M, K), or (K, M) when transA
  const float* B;  // op(B) is (K, N): B is (K, N), or (N, K) when transB
  float* C;        // (M, N), row-major
  size_t M, K, N;
  bool tA, tB;
};

/** Columns per NC block for this K: the packed panel K × nc stays within kPanelBytes. */
size_t nc_for(size_t K, size_t N) {
  const size_t fit = kPanelBytes / (std::max<size_t>(K, 1) * sizeof(float)) / NR * NR;
  return std::min(std::max(fit, NR * 4), std::min(NC, (N + NR - 1) / NR * NR));
}
/** Floats of the packed B panel gemm() needs. */
size_t panel_floats(size_t K, size_t N) { return std::max<size_t>(1, nc_for(K, N) * K); }

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

/** Six full rows of op(A) = A (row stride ld) into one sliver: dst[k·MR + i] = src[i·ld + k]. */
ZOO_INLINE void pack_six_rows(const float* s0, size_t ld, size_t kc, float* dst) {
  for (size_t k = 0; k < kc; k++) {
    float* d = dst + k * MR;
    d[0] = s0[k], d[1] = s0[ld + k], d[2] = s0[2 * ld + k];
    d[3] = s0[3 * ld + k], d[4] = s0[4 * ld + k], d[5] = s0[5 * ld + k];
  }
}
using PackSix = void (*)(const float*, size_t, size_t, float*);

/** op(A)[i0:i0+mc, pc:pc+kc] into slivers of MR rows: sliver r holds kc columns of MR floats. */
ZOO_INLINE void pack_a(const Operands& o, size_t i0, size_t mc, size_t pc, size_t kc, float* dst, PackSix six) {
  for (size_t r = 0; r < mc; r += MR, dst += kc * MR) {
    const size_t mr = std::min(MR, mc - r);
    if (!o.tA) {
      if (mr == MR) {
        six(o.A + (i0 + r) * o.K + pc, o.K, kc, dst);
        continue;
      }
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
      if (mr == MR) {
        for (size_t k = 0; k < kc; k++, src += o.M) std::memcpy(dst + k * MR, src, MR * sizeof(float));
        continue;
      }
      for (size_t k = 0; k < kc; k++, src += o.M) {
        size_t i = 0;
        for (; i < mr; i++) dst[k * MR + i] = src[i];
        for (; i < MR; i++) dst[k * MR + i] = 0.f;
      }
    }
  }
}

// ---- tile write-back and the fused epilogue ---------------------------------------------------------

/** Where the epilogue of one tile reads: bias at its first column, residual at its first element. */
struct TileEpi {
  const float* bias;  // null: none
  const float* res;   // null: none
  size_t ldr;
  int act;
};

ZOO_INLINE V activate(V v, int act) {
  switch (act) {
    case kActRelu: return vm::sel(v < 0.f, vm::splat(0.f), v);  // NaN stays NaN, as the relu op
    case kActGelu: return v * vm::normcdf(v);
    case kActGeluTanh: return vm::gelu_tanh(v);
    case kActSilu: return v * vm::sigmoid(v);
    default: return v;
  }
}

/** One row of 16 columns: v = act(v + bias) + res (each step only when present). */
ZOO_INLINE void epi_row(V& v0, V& v1, const float* bias, const float* res, int act) {
  if (bias) {
    v0 += vm::loadv(bias);
    v1 += vm::loadv(bias + 8);
  }
  if (act != kActNone) {
    v0 = activate(v0, act);
    v1 = activate(v1, act);
  }
  if (res) {
    v0 += vm::loadv(res);
    v1 += vm::loadv(res + 8);
  }
}

/**
 * Finishes an MR×NR tile computed into `tile` (row stride NR): adds C when `acc`, applies the
 * epilogue when `e`, and writes the valid mr×nr part to C. Edge tiles and tiles with an epilogue
 * come here; NOTE: kept out of line so that the micro-kernel's registers stay on its K loop.
 */
ZOO_INLINE void finish_tile(float* tile, float* C, size_t ldc, size_t mr, size_t nr, bool acc, const TileEpi* e) {
  alignas(32) float bias[NR] = {}, res[NR] = {};
  const bool full = nr == NR;
  if (e && e->bias && !full) std::copy(e->bias, e->bias + nr, bias);
  for (size_t i = 0; i < mr; i++) {
    float* t = tile + i * NR;
    float* c = C + i * ldc;
    if (acc)
      for (size_t j = 0; j < nr; j++) t[j] += c[j];
    if (e) {
      const float* r = e->res ? e->res + i * e->ldr : nullptr;
      if (r && !full) std::copy(r, r + nr, res);
      V v0 = vm::loadv(t), v1 = vm::loadv(t + 8);
      epi_row(v0, v1, e->bias ? (full ? e->bias : bias) : nullptr, r ? (full ? r : res) : nullptr, e->act);
      vm::storev(t, v0);
      vm::storev(t + 8, v1);
    }
    std::copy(t, t + nr, c);
  }
}

#if ZOO_X86
ZOO_AVX2 __attribute__((noinline)) void finish_tile_avx2(float* tile, float* C, size_t ldc, size_t mr, size_t nr, bool acc,
                                                         const TileEpi* e) {
  finish_tile(tile, C, ldc, mr, nr, acc, e);
}
#endif
__attribute__((noinline)) void finish_tile_generic(float* tile, float* C, size_t ldc, size_t mr, size_t nr, bool acc,
                                                   const TileEpi* e) {
  finish_tile(tile, C, ldc, mr, nr, acc, e);
}

// ---- micro-kernels -------------------------------------------------------------------------------

#if ZOO_X86
ZOO_AVX2 void ukernel_avx2(size_t kc, const float* __restrict a, const float* __restrict b, float* C, size_t ldc,
                           size_t mr, size_t nr, bool acc, const TileEpi* e) {
  // C (and the residual) are needed only after the K loop: start fetching them now.
  for (size_t i = 0; i < mr; i++) {
    _mm_prefetch(reinterpret_cast<const char*>(C + i * ldc), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(C + i * ldc + NR - 1), _MM_HINT_T0);
    if (e && e->res) _mm_prefetch(reinterpret_cast<const char*>(e->res + i * e->ldr), _MM_HINT_T0);
  }
  __m256 c00 = _mm256_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
  __m256 c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
  // One k step: broadcast a[r] for each of the 6 rows, times the two 8-wide halves of the b row.
#define ZOO_ROW(u, r, cr0, cr1)                                                     \
  x = _mm256_broadcast_ss(a + (u) * MR + (r));                                      \
  cr0 = _mm256_fmadd_ps(x, b0, cr0);                                                \
  cr1 = _mm256_fmadd_ps(x, b1, cr1);
#define ZOO_STEP(u)                                                                 \
  {                                                                                 \
    const __m256 b0 = _mm256_load_ps(b + (u) * NR), b1 = _mm256_load_ps(b + (u) * NR + 8); \
    __m256 x;                                                                       \
    ZOO_ROW(u, 0, c00, c01) ZOO_ROW(u, 1, c10, c11) ZOO_ROW(u, 2, c20, c21)         \
    ZOO_ROW(u, 3, c30, c31) ZOO_ROW(u, 4, c40, c41) ZOO_ROW(u, 5, c50, c51)         \
  }
  size_t k = 0;
  for (; k + 4 <= kc; k += 4, a += 4 * MR, b += 4 * NR) {
    ZOO_STEP(0) ZOO_STEP(1) ZOO_STEP(2) ZOO_STEP(3)
  }
  for (; k < kc; k++, a += MR, b += NR) ZOO_STEP(0)
#undef ZOO_STEP
#undef ZOO_ROW
  const __m256 rows[MR][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}, {c50, c51}};
  if (mr == MR && nr == NR && !e) {
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
  finish_tile_avx2(tile, C, ldc, mr, nr, acc, e);
}
#endif

void ukernel_generic(size_t kc, const float* __restrict a, const float* __restrict b, float* C, size_t ldc, size_t mr,
                     size_t nr, bool acc, const TileEpi* e) {
  alignas(64) float tile[MR * NR] = {};
  for (size_t k = 0; k < kc; k++, a += MR, b += NR)
    for (size_t i = 0; i < MR; i++)
      for (size_t j = 0; j < NR; j++) tile[i * NR + j] += a[i] * b[j];
  finish_tile_generic(tile, C, ldc, mr, nr, acc, e);
}

using Ukernel = void (*)(size_t, const float*, const float*, float*, size_t, size_t, size_t, bool, const TileEpi*);

#if ZOO_X86
/**
 * pack_six_rows by 8×8 transposes (rows 6 and 7 zero): 6 loads and 8 stores per 8 columns of k.
 * Each store writes 8 floats at a 6-float stride; its last 2 (zeros) are overwritten by the next
 * one, and the block's last store runs 2 floats past it (into the next sliver, packed later, or the
 * buffer's slack: kASlack).
 */
ZOO_AVX2 void pack_six_avx2(const float* s0, size_t ld, size_t kc, float* dst) {
  const __m256 z = _mm256_setzero_ps();
  size_t k = 0;
  for (; k + 8 <= kc; k += 8) {
    const float* s = s0 + k;
    const __m256 r0 = _mm256_loadu_ps(s), r1 = _mm256_loadu_ps(s + ld), r2 = _mm256_loadu_ps(s + 2 * ld);
    const __m256 r3 = _mm256_loadu_ps(s + 3 * ld), r4 = _mm256_loadu_ps(s + 4 * ld), r5 = _mm256_loadu_ps(s + 5 * ld);
    const __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1);
    const __m256 t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3);
    const __m256 t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5);
    // u_c: rows 0-3 (u0-u3) or 4-5 and zeros (u4-u7) of columns c (low half) and c + 4 (high half).
    const __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE);
    const __m256 u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE);
    const __m256 u4 = _mm256_shuffle_ps(t4, z, 0x44), u5 = _mm256_shuffle_ps(t4, z, 0xEE);
    const __m256 u6 = _mm256_shuffle_ps(t5, z, 0x44), u7 = _mm256_shuffle_ps(t5, z, 0xEE);
    float* d = dst + k * MR;
    _mm256_storeu_ps(d + 0 * MR, _mm256_permute2f128_ps(u0, u4, 0x20));
    _mm256_storeu_ps(d + 1 * MR, _mm256_permute2f128_ps(u1, u5, 0x20));
    _mm256_storeu_ps(d + 2 * MR, _mm256_permute2f128_ps(u2, u6, 0x20));
    _mm256_storeu_ps(d + 3 * MR, _mm256_permute2f128_ps(u3, u7, 0x20));
    _mm256_storeu_ps(d + 4 * MR, _mm256_permute2f128_ps(u0, u4, 0x31));
    _mm256_storeu_ps(d + 5 * MR, _mm256_permute2f128_ps(u1, u5, 0x31));
    _mm256_storeu_ps(d + 6 * MR, _mm256_permute2f128_ps(u2, u6, 0x31));
    _mm256_storeu_ps(d + 7 * MR, _mm256_permute2f128_ps(u3, u7, 0x31));
  }
  pack_six_rows(s0 + k, ld, kc - k, dst + k * MR);
}
ZOO_AVX2 void pack_a_avx2(const Operands& o, size_t i0, size_t mc, size_t pc, size_t kc, float* d) {
  pack_a(o, i0, mc, pc, kc, d, pack_six_avx2);
}
ZOO_AVX2 void pack_b_avx2(const Operands& o, size_t pc, size_t kc, size_t j0, size_t s0, size_t s1, float* d) {
  pack_b_slivers(o, pc, kc, j0, s0, s1, d);
}
#endif
void pack_six_generic(const float* s0, size_t ld, size_t kc, float* d) { pack_six_rows(s0, ld, kc, d); }
void pack_a_generic(const Operands& o, size_t i0, size_t mc, size_t pc, size_t kc, float* d) {
  pack_a(o, i0, mc, pc, kc, d, pack_six_generic);
}
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
  if (!buf) buf = new Scratch((MC * KC + kASlack) * sizeof(float));  // NOTE: one per thread, never freed
  return buf->as<float>();
}

/** The epilogue of the tile at (i, j), or null. */
ZOO_INLINE const TileEpi* tile_epi(const GemmEpilogue* e, size_t N, size_t i, size_t j, TileEpi& out) {
  if (!e) return nullptr;
  out = {e->bias ? e->bias + j : nullptr, e->residual ? e->residual + i * N + j : nullptr, N, e->activation};
  return &out;
}

/** K = 0: C = epi(0), tile by tile. */
void gemm_empty(const Path& p, const Operands& o, const GemmEpilogue* e) {
  for (size_t i = 0; i < o.M; i += MR)
    for (size_t j = 0; j < o.N; j += NR) {
      TileEpi te;
      p.uk(0, nullptr, nullptr, o.C + i * o.N + j, o.N, std::min(MR, o.M - i), std::min(NR, o.N - j), false,
           tile_epi(e, o.N, i, j, te));
    }
}

/** C = epi(op(A)·op(B)) for one batch. `bp` holds panel_floats(K, N) floats; `threaded` uses the pool. */
void gemm(const Path& p, const Operands& o, const GemmEpilogue* e, float* bp, bool threaded) {
  const size_t M = o.M, K = o.K, N = o.N;
  if (K == 0) return gemm_empty(p, o, e);
  const size_t ncb = nc_for(K, N), kblocks = (K + KC - 1) / KC;
  const size_t threads = threaded ? static_cast<size_t>(thread_count()) : 1;
  // Equal row blocks, each a multiple of MR and at most MC.
  const size_t mblocks = (M + MC - 1) / MC;
  const size_t mc = std::min(MC, ((M + mblocks - 1) / mblocks + MR - 1) / MR * MR);
  const size_t mtiles = (M + mc - 1) / mc;
  for (size_t jc = 0; jc < N; jc += ncb) {
    const size_t nc = std::min(ncb, N - jc), slivers = (nc + NR - 1) / NR;
    // Block pb of K (rows pc = pb·KC) starts at bp + pc·slivers·NR.
    auto pack = [&](size_t t0, size_t t1) {
      for (size_t t = t0; t < t1; t++) {
        const size_t pb = t / slivers, s = t % slivers, pc = pb * KC;
        p.pb(o, pc, std::min(KC, K - pc), jc, s, s + 1, bp + pc * slivers * NR);
      }
    };
    if (threads > 1) parallel_for(kblocks * slivers, 4, pack);
    else pack(0, kblocks * slivers);
    // Macro tiles: mc rows × a run of slivers; runs split N until every thread has ~4 tiles
    // (each tile packs its own A, so runs stay >= 4 slivers).
    const size_t want = threads > 1 ? threads * 4 : 1;
    size_t runs = 1;
    while (mtiles * runs < want && slivers / (runs * 2) >= 4) runs *= 2;
    const size_t run = (slivers + runs - 1) / runs;
    runs = (slivers + run - 1) / run;
    auto tile = [&](size_t t) {
      const size_t ib = t / runs, jr = t % runs;
      const size_t i0 = ib * mc, mcur = std::min(mc, M - i0);
      const size_t s0 = jr * run, s1 = std::min(slivers, s0 + run);
      float* ap = a_buffer();
      for (size_t pc = 0; pc < K; pc += KC) {
        const size_t kc = std::min(KC, K - pc);
        const bool last = pc + kc == K;
        p.pa(o, i0, mcur, pc, kc, ap);
        const float* bpc = bp + pc * slivers * NR;
        for (size_t s = s0; s < s1; s++) {
          const size_t j = jc + s * NR, nr = std::min(NR, N - j);
          const float* b = bpc + s * kc * NR;
          for (size_t r = 0; r < mcur; r += MR) {
            TileEpi te;
            p.uk(kc, ap + r * kc, b, o.C + (i0 + r) * N + j, N, std::min(MR, mcur - r), nr, pc > 0,
                 last ? tile_epi(e, N, i0 + r, j, te) : nullptr);
          }
        }
      }
    };
    const size_t tiles = mtiles * runs;
    if (threads > 1 && tiles > 1)
      parallel_for(tiles, 1, [&](size_t t0, size_t t1) {
        for (size_t t = t0; t < t1; t++) tile(t);
      });
    else
      for (size_t t = 0; t < tiles; t++) tile(t);
  }
}

/** Products smaller than this (M·N·K) stay on the calling thread. */
constexpr double kThreadedWork = 32768;

}  // namespace

void sgemm(const float* A, const float* B, float* C, size_t M, size_t K, size_t N, bool transA, bool transB, bool threaded) {
  if (M == 0 || N == 0) return;
  Scratch bp(panel_floats(K, N) * sizeof(float));
  gemm(path(), Operands{A, B, C, M, K, N, transA, transB}, nullptr, bp.as<float>(), threaded && thread_count() > 1);
}

void sgemm_fused(const float* A, const float* B, float* C, size_t M, size_t K, size_t N, bool transA, bool transB,
                 const GemmEpilogue& epi) {
  if (M == 0 || N == 0) return;
  Scratch bp(panel_floats(K, N) * sizeof(float));
  const double work = static_cast<double>(M) * N * std::max<size_t>(K, 1);
  gemm(path(), Operands{A, B, C, M, K, N, transA, transB}, &epi, bp.as<float>(), thread_count() > 1 && work >= kThreadedWork);
}

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
  const size_t panel = panel_floats(K, N);
  auto ops = [&](size_t q) {
    return Operands{a.f32() + aOff[q], b.f32() + bOff[q], c.f32() + q * M * N, M, K, N, tA, tB};
  };
  const size_t threads = static_cast<size_t>(thread_count());
  const double work = static_cast<double>(M) * N * std::max<size_t>(K, 1);
  if (nb >= threads && threads > 1 && work < 4e6) {
    // Many small products: one single-threaded GEMM per batch, batches spread over the pool.
    parallel_for(nb, 1, [&](size_t q0, size_t q1) {
      Scratch bp(panel * sizeof(float));
      for (size_t q = q0; q < q1; q++) gemm(p, ops(q), nullptr, bp.as<float>(), false);
    });
    return info.Env().Undefined();
  }
  Scratch bp(panel * sizeof(float));
  for (size_t q = 0; q < nb; q++) gemm(p, ops(q), nullptr, bp.as<float>(), threads > 1 && work >= kThreadedWork);
  return info.Env().Undefined();
}

}  // namespace exports
}  // namespace zoo
