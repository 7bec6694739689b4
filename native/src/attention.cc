// Fused scaled dot-product attention, forward and backward (kernels.md §4.4).
// Paper: Dao et al., FlashAttention (arXiv:2205.14135) and FlashAttention-2 (arXiv:2307.08691).
//
// q (B, H, Tq, D), k (B, Hkv, Tk, D), v (B, Hkv, Tk, Dv); query head h reads kv head h / (H / Hkv).
// Scores s_ij = scale·<q_i, k_j> + bias_ij for the kept pairs (mask ∧ ¬pad ∧ causal), -inf otherwise;
// bias, mask (over (B, H, Tq, Tk)) and pad (over (B, Tk)) are read through broadcast strides.
// A row whose scores are all -inf gives 0 (torch's _safe_softmax); NaN propagates.
//
// Forward: one task per (b, h, block of RB query rows); key tiles of KB rows stream through with an
// online softmax (running max m, sum l; the accumulator is rescaled by e^{m_old - m_new}).
// Backward: one task per (b, kv head), so dk and dv of that head are private to it (no atomics):
// for each of its G query heads and each block of RB rows, S is recomputed over all keys (causal
// rows stop at their last visible key), P = e^{S - m}/l, dP = dO Vᵀ, D_i = Σ_j P_ij dP_ij,
// dS = P ⊙ (dP − D), then dq = scale dS K, dk += scale dSᵀ Q, dv += Pᵀ dO.
// dS also feeds dBias: written whole (mode 0) or summed per task (mode 1, scalar bias).
// Every product is one register-blocked loop, C += A·B (4 rows × 16 columns of FMAs).
#include <algorithm>
#include <cmath>
#include <vector>

#include "vecmath.h"
#include "zoo.h"

namespace zoo {
namespace {

using vm::V;
constexpr size_t RB = 32;  // query rows per block
constexpr size_t KB = 64;  // keys per forward tile

struct Attn {
  const float *q, *k, *v, *bias;
  const uint8_t *mask, *pad;
  size_t B, H, Hkv, Tq, Tk, D, Dv;
  bool causal;
  float scale;
  int64_t bs[4], ms[4], ps[2];  // broadcast strides of bias, mask (B, H, Tq, Tk) and pad (B, Tk)
};

/** Keys visible to query row i: [0, end) when causal (bottom-right aligned), all otherwise. */
inline size_t key_end(const Attn& a, size_t i) {
  if (!a.causal) return a.Tk;
  const int64_t e = static_cast<int64_t>(i) + static_cast<int64_t>(a.Tk) - static_cast<int64_t>(a.Tq) + 1;
  return static_cast<size_t>(std::max<int64_t>(0, std::min<int64_t>(e, a.Tk)));
}

// ---- C += A·B, A (m × k) with row stride lda, B (k × n) with row stride ldb, C row stride ldc ----

template <size_t MR>
ZOO_INLINE void mm_rows(const float* A, size_t lda, const float* B, size_t ldb, float* C, size_t ldc, size_t n, size_t k) {
  size_t j = 0;
  for (; j + 16 <= n; j += 16) {
    V c0[MR], c1[MR];
    for (size_t r = 0; r < MR; r++) c0[r] = vm::loadv(C + r * ldc + j), c1[r] = vm::loadv(C + r * ldc + j + 8);
    for (size_t p = 0; p < k; p++) {
      const V b0 = vm::loadv(B + p * ldb + j), b1 = vm::loadv(B + p * ldb + j + 8);
      for (size_t r = 0; r < MR; r++) {
        const V s = vm::splat(A[r * lda + p]);
        c0[r] += s * b0;
        c1[r] += s * b1;
      }
    }
    for (size_t r = 0; r < MR; r++) vm::storev(C + r * ldc + j, c0[r]), vm::storev(C + r * ldc + j + 8, c1[r]);
  }
  for (; j + 8 <= n; j += 8) {
    V c0[MR];
    for (size_t r = 0; r < MR; r++) c0[r] = vm::loadv(C + r * ldc + j);
    for (size_t p = 0; p < k; p++) {
      const V b0 = vm::loadv(B + p * ldb + j);
      for (size_t r = 0; r < MR; r++) c0[r] += vm::splat(A[r * lda + p]) * b0;
    }
    for (size_t r = 0; r < MR; r++) vm::storev(C + r * ldc + j, c0[r]);
  }
  for (; j < n; j++) {
    for (size_t r = 0; r < MR; r++) {
      float s = C[r * ldc + j];
      for (size_t p = 0; p < k; p++) s += A[r * lda + p] * B[p * ldb + j];
      C[r * ldc + j] = s;
    }
  }
}

ZOO_INLINE void mm_acc(const float* A, size_t lda, const float* B, size_t ldb, float* C, size_t ldc, size_t m, size_t n, size_t k) {
  size_t i = 0;
  for (; i + 4 <= m; i += 4) mm_rows<4>(A + i * lda, lda, B, ldb, C + i * ldc, ldc, n, k);
  for (; i < m; i++) mm_rows<1>(A + i * lda, lda, B, ldb, C + i * ldc, ldc, n, k);
}

/** dst (cols × rows, row stride ldd) = srcᵀ, src (rows × cols, row stride lds). */
inline void transpose(const float* src, size_t lds, float* dst, size_t ldd, size_t rows, size_t cols) {
  for (size_t r = 0; r < rows; r++)
    for (size_t c = 0; c < cols; c++) dst[c * ldd + r] = src[r * lds + c];
}

/** Whether query i of head (b, h) attends key j (j below i's causal end). */
inline bool kept_at(const Attn& a, size_t b, size_t h, size_t i, size_t j) {
  return a.mask[b * a.ms[0] + h * a.ms[1] + i * a.ms[2] + j * a.ms[3]] && !a.pad[b * a.ps[0] + j * a.ps[1]];
}

/**
 * A score s = b + d kept as its two parts, b = bias_ij (-inf for an excluded pair) and d = scale·<q_i, k_j>.
 * NOTE: softmax needs the gaps s_j − m; summed in float32, a bias much larger than the dot products
 * (1e4 on every key) swallows their differences. Gaps taken part by part are exact when biases tie.
 */
struct Score {
  float b, d;
};

/** The score with the larger total; NaN wins (a NaN row stays NaN). */
inline Score pmax(Score x, Score y) {
  const float tx = x.b + x.d, ty = y.b + y.d;
  if (tx != tx) return x;
  return ty != ty || ty > tx ? y : x;
}

/**
 * Tile of r rows × n keys from j0: S = scale·S (0 where excluded), Bt = bias (-inf where excluded),
 * both with row stride lds; the row maxima go to m and, when `kept` is given, the flags (r × n) to it.
 */
inline void mask_scores(const Attn& a, size_t b, size_t h, size_t i0, size_t r, size_t j0, size_t n, float* S, float* Bt, size_t lds, Score* m, uint8_t* kept = nullptr) {
  for (size_t ii = 0; ii < r; ii++) {
    const size_t i = i0 + ii;
    const int64_t bo = b * a.bs[0] + h * a.bs[1] + i * a.bs[2], mo = b * a.ms[0] + h * a.ms[1] + i * a.ms[2];
    const size_t end = key_end(a, i);
    float *s = S + ii * lds, *bt = Bt + ii * lds;
    Score mx{-INFINITY, 0.f};
    for (size_t jj = 0; jj < n; jj++) {
      const size_t j = j0 + jj;
      const bool keep = j < end && a.mask[mo + j * a.ms[3]] && !a.pad[b * a.ps[0] + j * a.ps[1]];
      s[jj] = keep ? a.scale * s[jj] : 0.f;
      bt[jj] = keep ? a.bias[bo + j * a.bs[3]] : -INFINITY;
      if (kept) kept[ii * n + jj] = keep;
      mx = pmax(mx, Score{bt[jj], s[jj]});
    }
    m[ii] = mx;
  }
}

/** The gap between two scores, part by part. */
inline float gap(Score x, Score m) { return (x.b - m.b) + (x.d - m.d); }

/** s[j] = e^{gap(s_j, m)}, 0 where the bias part is -inf; returns Σ in double. */
ZOO_INLINE double exp_row(float* s, const float* bt, size_t n, Score m) {
  size_t j = 0;
  for (; j + vm::kLanes <= n; j += vm::kLanes) {
    const V b = vm::loadv(bt + j), x = (b - m.b) + (vm::loadv(s + j) - m.d);
    vm::storev(s + j, vm::sel(b == -vm::kInf, vm::splat(0.f), vm::exp(x)));
  }
  for (; j < n; j++) s[j] = bt[j] == -INFINITY ? 0.f : std::exp((bt[j] - m.b) + (s[j] - m.d));
  return vm::sum_d(s, n);
}

// ---- exact path: q, k, v or dO holding inf/NaN ------------------------------------------------
// In a GEMM a zero weight times an infinite entry is NaN, where the float64 oracle (kernels/ref)
// never forms the product of an excluded pair. When any of them is not finite, rows run through
// this scalar path, which follows the ref kernel step by step (float32 inputs, double sums).

/** Scores of query row i of head (b, h) against every key into s, kept flags into kept; returns their max (NaN-propagating). */
double row_scores(const Attn& a, size_t b, size_t h, size_t i, double* s, uint8_t* kept) {
  const float* q = a.q + ((b * a.H + h) * a.Tq + i) * a.D;
  const float* k = a.k + (b * a.Hkv + h / (a.H / a.Hkv)) * a.Tk * a.D;
  const size_t end = key_end(a, i);
  double m = -INFINITY;
  for (size_t j = 0; j < a.Tk; j++) {
    kept[j] = j < end && kept_at(a, b, h, i, j);
    if (!kept[j]) continue;
    double dot = 0;
    for (size_t c = 0; c < a.D; c++) dot += static_cast<double>(q[c]) * k[j * a.D + c];
    s[j] = a.scale * dot + a.bias[b * a.bs[0] + h * a.bs[1] + i * a.bs[2] + j * a.bs[3]];
    m = s[j] > m || s[j] != s[j] ? s[j] : m;
  }
  return m;
}

/** s[j] = softmax over the kept keys (0 elsewhere); m is the row max (not -inf). */
void row_probs(const Attn& a, double m, double* s, const uint8_t* kept) {
  double z = 0;
  for (size_t j = 0; j < a.Tk; j++) z += kept[j] ? (s[j] = std::exp(s[j] - m)) : (s[j] = 0);
  for (size_t j = 0; j < a.Tk; j++) s[j] /= z;
}

void fwd_exact(const Attn& a, size_t row, float* out) {
  const size_t i = row % a.Tq, h = (row / a.Tq) % a.H, b = row / (a.Tq * a.H);
  const float* v = a.v + (b * a.Hkv + h / (a.H / a.Hkv)) * a.Tk * a.Dv;
  std::vector<double> s(a.Tk), acc(a.Dv, 0.0);
  std::vector<uint8_t> kept(a.Tk);
  const double m = row_scores(a, b, h, i, s.data(), kept.data());
  if (m != -INFINITY) {
    row_probs(a, m, s.data(), kept.data());
    for (size_t j = 0; j < a.Tk; j++)
      if (kept[j])
        for (size_t c = 0; c < a.Dv; c++) acc[c] += s[j] * v[j * a.Dv + c];
  }
  for (size_t c = 0; c < a.Dv; c++) out[row * a.Dv + c] = static_cast<float>(acc[c]);
}

// ---- forward ----------------------------------------------------------------------------------

/** Rows [i0, i0 + r) of head (b, h): online softmax over key tiles; scratch holds Kt, S, O, m, l. */
ZOO_INLINE void fwd_block(const Attn& a, size_t b, size_t h, size_t i0, size_t r, float* out, float* scratch) {
  const size_t D = a.D, Dv = a.Dv, kvh = h / (a.H / a.Hkv);
  const float* q = a.q + ((b * a.H + h) * a.Tq + i0) * D;
  const float* k = a.k + (b * a.Hkv + kvh) * a.Tk * D;
  const float* v = a.v + (b * a.Hkv + kvh) * a.Tk * Dv;
  float *Kt = scratch, *S = Kt + D * KB, *Bt = S + RB * KB, *O = Bt + RB * KB, *l = O + RB * Dv;
  Score *m = reinterpret_cast<Score*>(l + RB), *mt = m + RB;
  std::fill(O, O + r * Dv, 0.f);
  std::fill(m, m + r, Score{-INFINITY, 0.f});
  std::fill(l, l + r, 0.f);
  const size_t kend = key_end(a, i0 + r - 1);
  for (size_t j0 = 0; j0 < kend; j0 += KB) {
    const size_t n = std::min(KB, kend - j0);
    transpose(k + j0 * D, D, Kt, KB, n, D);
    std::fill(S, S + r * KB, 0.f);
    mm_acc(q, D, Kt, KB, S, KB, r, n, D);
    mask_scores(a, b, h, i0, r, j0, n, S, Bt, KB, mt);
    for (size_t ii = 0; ii < r; ii++) {
      const Score mo = m[ii], mn = pmax(mo, mt[ii]);
      float* s = S + ii * KB;
      if (mn.b == -INFINITY) {  // nothing live in this row yet
        std::fill(s, s + n, 0.f);
        continue;
      }
      const float alpha = mo.b == -INFINITY ? 0.f : std::exp(gap(mo, mn));
      l[ii] = static_cast<float>(l[ii] * alpha + exp_row(s, Bt + ii * KB, n, mn));
      m[ii] = mn;
      if (alpha != 1.f)
        for (size_t c = 0; c < Dv; c++) O[ii * Dv + c] *= alpha;
    }
    mm_acc(S, KB, v + j0 * Dv, Dv, O, Dv, r, Dv, n);
  }
  for (size_t ii = 0; ii < r; ii++) {
    float* o = out + ((b * a.H + h) * a.Tq + i0 + ii) * Dv;
    if (m[ii].b == -INFINITY) {
      std::fill(o, o + Dv, 0.f);
      continue;
    }
    const float inv = 1.f / l[ii];
    for (size_t c = 0; c < Dv; c++) o[c] = O[ii * Dv + c] * inv;
  }
}
ZOO_AVX2 void fwd_block_avx2(const Attn& a, size_t b, size_t h, size_t i0, size_t r, float* out, float* s) { fwd_block(a, b, h, i0, r, out, s); }
void fwd_block_generic(const Attn& a, size_t b, size_t h, size_t i0, size_t r, float* out, float* s) { fwd_block(a, b, h, i0, r, out, s); }

// ---- backward ---------------------------------------------------------------------------------

struct Grads {
  const float* dOut;
  float *dq, *dk, *dv, *dS;
  bool dsSum;  // dS summed per task into dS[task] (scalar bias) instead of written whole
};

/** Scratch floats of one backward task. */
size_t bwd_scratch(const Attn& a) { return (a.D + a.Dv) * a.Tk + 4 * RB * a.Tk + 2 * RB + (RB * a.Tk + 3) / 4 + 16; }

/** Kv head (b, kvh) and its G query heads. dk and dv of this head are written only here. */
ZOO_INLINE void bwd_task(const Attn& a, const Grads& g, size_t b, size_t kvh, float* scratch) {
  const size_t D = a.D, Dv = a.Dv, Tk = a.Tk, G = a.H / a.Hkv;
  const float* k = a.k + (b * a.Hkv + kvh) * Tk * D;
  const float* v = a.v + (b * a.Hkv + kvh) * Tk * Dv;
  float* dk = g.dk + (b * a.Hkv + kvh) * Tk * D;
  float* dv = g.dv + (b * a.Hkv + kvh) * Tk * Dv;
  float *Kt = scratch, *Vt = Kt + D * Tk, *P = Vt + Dv * Tk, *dP = P + RB * Tk, *T = dP + RB * Tk, *Bt = T + RB * Tk;
  Score* m = reinterpret_cast<Score*>(Bt + RB * Tk);
  uint8_t* kept = reinterpret_cast<uint8_t*>(m + RB);
  transpose(k, D, Kt, Tk, Tk, D);
  transpose(v, Dv, Vt, Tk, Tk, Dv);
  std::fill(dk, dk + Tk * D, 0.f);
  std::fill(dv, dv + Tk * Dv, 0.f);
  double dsTotal = 0;
  for (size_t gi = 0; gi < G; gi++) {
    const size_t h = kvh * G + gi;
    for (size_t i0 = 0; i0 < a.Tq; i0 += RB) {
      const size_t r = std::min(RB, a.Tq - i0), n = key_end(a, i0 + r - 1);
      const size_t row0 = (b * a.H + h) * a.Tq + i0;
      const float* q = a.q + row0 * D;
      const float* dO = g.dOut + row0 * Dv;
      float* dq = g.dq + row0 * D;
      std::fill(dq, dq + r * D, 0.f);
      if (g.dS && !g.dsSum)
        for (size_t ii = 0; ii < r; ii++) std::fill(g.dS + (row0 + ii) * Tk, g.dS + (row0 + ii + 1) * Tk, 0.f);
      if (n == 0) continue;
      // P = softmax of the masked scores (rows with nothing live stay 0).
      std::fill(P, P + r * n, 0.f);
      mm_acc(q, D, Kt, Tk, P, n, r, n, D);
      mask_scores(a, b, h, i0, r, 0, n, P, Bt, n, m, kept);
      for (size_t ii = 0; ii < r; ii++) {
        float* p = P + ii * n;
        const uint8_t* kp = kept + ii * n;
        if (m[ii].b == -INFINITY) {  // dead row: no gradient at all
          std::fill(p, p + n, 0.f);
          std::fill(kept + ii * n, kept + (ii + 1) * n, uint8_t{0});
          continue;
        }
        const float inv = static_cast<float>(1.0 / exp_row(p, Bt + ii * n, n, m[ii]));
        for (size_t j = 0; j < n; j++) p[j] = kp[j] ? p[j] * inv : 0.f;  // excluded pairs stay 0 even in a NaN row
      }
      // dP = dO Vᵀ, D_i = Σ_j P_ij dP_ij, dS = P ⊙ (dP − D) (in dP).
      std::fill(dP, dP + r * n, 0.f);
      mm_acc(dO, Dv, Vt, Tk, dP, n, r, n, Dv);
      for (size_t ii = 0; ii < r; ii++) {
        const float* p = P + ii * n;
        const uint8_t* kp = kept + ii * n;
        float* ds = dP + ii * n;
        double acc = 0;
        for (size_t j = 0; j < n; j++) acc += kp[j] ? static_cast<double>(p[j]) * ds[j] : 0.0;
        const float di = static_cast<float>(acc);
        double rowSum = 0;
        for (size_t j = 0; j < n; j++) {
          ds[j] = kp[j] ? p[j] * (ds[j] - di) : 0.f;
          rowSum += ds[j];
        }
        if (g.dS && !g.dsSum) std::copy(ds, ds + n, g.dS + (row0 + ii) * Tk);
        dsTotal += rowSum;
      }
      // dq = scale dS K; dk += dSᵀ Q (scaled at the end); dv += Pᵀ dO.
      mm_acc(dP, n, k, D, dq, D, r, D, n);
      for (size_t c = 0; c < r * D; c++) dq[c] *= a.scale;
      transpose(dP, n, T, r, r, n);
      mm_acc(T, r, q, D, dk, D, n, D, r);
      transpose(P, n, T, r, r, n);
      mm_acc(T, r, dO, Dv, dv, Dv, n, Dv, r);
    }
  }
  for (size_t c = 0; c < Tk * D; c++) dk[c] *= a.scale;
  if (g.dS && g.dsSum) g.dS[b * a.Hkv + kvh] = static_cast<float>(dsTotal);
}
ZOO_AVX2 void bwd_task_avx2(const Attn& a, const Grads& g, size_t b, size_t kvh, float* s) { bwd_task(a, g, b, kvh, s); }
void bwd_task_generic(const Attn& a, const Grads& g, size_t b, size_t kvh, float* s) { bwd_task(a, g, b, kvh, s); }

/** The exact path of bwd_task (ref's loop order: per query row, then its kept keys). */
void bwd_exact(const Attn& a, const Grads& g, size_t b, size_t kvh) {
  const size_t D = a.D, Dv = a.Dv, Tk = a.Tk, G = a.H / a.Hkv, kv = b * a.Hkv + kvh;
  const float *k = a.k + kv * Tk * D, *v = a.v + kv * Tk * Dv;
  std::vector<double> p(Tk), dP(Tk), dk(Tk * D, 0.0), dv(Tk * Dv, 0.0), dq(D);
  std::vector<uint8_t> kept(Tk);
  double dsTotal = 0;
  for (size_t h = kvh * G; h < (kvh + 1) * G; h++) {
    for (size_t i = 0; i < a.Tq; i++) {
      const size_t row = (b * a.H + h) * a.Tq + i;
      const float *q = a.q + row * D, *dO = g.dOut + row * Dv;
      if (g.dS && !g.dsSum) std::fill(g.dS + row * Tk, g.dS + (row + 1) * Tk, 0.f);
      std::fill(dq.begin(), dq.end(), 0.0);
      const double m = row_scores(a, b, h, i, p.data(), kept.data());
      if (m != -INFINITY) {
        row_probs(a, m, p.data(), kept.data());
        double rowDot = 0;
        for (size_t j = 0; j < Tk; j++) {
          if (!kept[j]) continue;
          double sdp = 0;
          for (size_t c = 0; c < Dv; c++) sdp += static_cast<double>(dO[c]) * v[j * Dv + c];
          dP[j] = sdp;
          rowDot += p[j] * sdp;
        }
        for (size_t j = 0; j < Tk; j++) {
          if (!kept[j]) continue;
          const double dS = p[j] * (dP[j] - rowDot);
          if (g.dS && !g.dsSum) g.dS[row * Tk + j] = static_cast<float>(dS);
          dsTotal += dS;
          for (size_t c = 0; c < D; c++) {
            dq[c] += a.scale * dS * k[j * D + c];
            dk[j * D + c] += a.scale * dS * q[c];
          }
          for (size_t c = 0; c < Dv; c++) dv[j * Dv + c] += p[j] * dO[c];
        }
      }
      for (size_t c = 0; c < D; c++) g.dq[row * D + c] = static_cast<float>(dq[c]);
    }
  }
  for (size_t c = 0; c < Tk * D; c++) g.dk[kv * Tk * D + c] = static_cast<float>(dk[c]);
  for (size_t c = 0; c < Tk * Dv; c++) g.dv[kv * Tk * Dv + c] = static_cast<float>(dv[c]);
  if (g.dS && g.dsSum) g.dS[kv] = static_cast<float>(dsTotal);
}

/** Elements a broadcast view over `dims` reaches (largest offset + 1; 0 when empty), -1 for a negative stride. */
int64_t reach(const int64_t* st, const size_t* dims, size_t n) {
  int64_t r = 1;
  for (size_t i = 0; i < n; i++) {
    if (st[i] < 0) return -1;
    if (dims[i] == 0) r = 0;
  }
  for (size_t i = 0; r > 0 && i < n; i++) r += st[i] * static_cast<int64_t>(dims[i] - 1);
  return r;
}

/** Reads dims [B, H, Hkv, Tq, Tk, D, Dv, causal], strides [bias 4, mask 4, pad 2] and checks every buffer. */
bool parse(const Napi::CallbackInfo& info, size_t at, Attn& a, const Buf& q, const Buf& k, const Buf& v, const Buf& bias, const Buf& mask, const Buf& pad) {
  const int32_t *dims = nullptr, *st = nullptr;
  size_t nd = 0, ns = 0;
  if (!arg_i32s(info, at, dims, nd) || !arg_i32s(info, at + 1, st, ns)) return false;
  if (nd != 8 || ns != 10) return false;
  for (size_t i = 0; i < 7; i++)
    if (dims[i] < 0) return false;
  a.B = dims[0], a.H = dims[1], a.Hkv = dims[2], a.Tq = dims[3], a.Tk = dims[4], a.D = dims[5], a.Dv = dims[6];
  a.causal = dims[7] != 0;
  for (size_t i = 0; i < 4; i++) a.bs[i] = st[i], a.ms[i] = st[4 + i];
  a.ps[0] = st[8], a.ps[1] = st[9];
  a.scale = static_cast<float>(arg_num(info, at + 2));
  if (a.Hkv == 0 || a.H % a.Hkv != 0) return false;
  if (q.t != F32 || k.t != F32 || v.t != F32 || bias.t != F32 || mask.t != U8 || pad.t != U8) return false;
  if (q.n != a.B * a.H * a.Tq * a.D || k.n != a.B * a.Hkv * a.Tk * a.D || v.n != a.B * a.Hkv * a.Tk * a.Dv) return false;
  const size_t sdims[4] = {a.B, a.H, a.Tq, a.Tk}, pdims[2] = {a.B, a.Tk};
  const int64_t br = reach(a.bs, sdims, 4), mr = reach(a.ms, sdims, 4), pr = reach(a.ps, pdims, 2);
  if (br < 0 || br > static_cast<int64_t>(bias.n) || mr < 0 || mr > static_cast<int64_t>(mask.n) || pr < 0 || pr > static_cast<int64_t>(pad.n)) return false;
  a.q = q.f32(), a.k = k.f32(), a.v = v.f32(), a.bias = bias.f32(), a.mask = mask.u8(), a.pad = pad.u8();
  return true;
}

}  // namespace

namespace exports {

// attention(q, k, v, bias, mask, pad, out, dims, strides, scale)
Napi::Value attention(const Napi::CallbackInfo& info) {
  ZOO_BUF(q, 0);
  ZOO_BUF(k, 1);
  ZOO_BUF(v, 2);
  ZOO_BUF(bias, 3);
  ZOO_BUF(mask, 4);
  ZOO_BUF(pad, 5);
  ZOO_BUF(out, 6);
  Attn a{};
  if (!parse(info, 7, a, q, k, v, bias, mask, pad) || out.t != F32 || out.n != a.B * a.H * a.Tq * a.Dv) {
    throw_type(info.Env(), "attention: bad arguments");
    return info.Env().Undefined();
  }
  if (out.n == 0) return info.Env().Undefined();
  float* o = out.f32();
  if (!(all_finite(a.q, q.n) && all_finite(a.k, k.n) && all_finite(a.v, v.n))) {
    parallel_for(a.B * a.H * a.Tq, 16, [&](size_t r0, size_t r1) {
      for (size_t r = r0; r < r1; r++) fwd_exact(a, r, o);
    });
    return info.Env().Undefined();
  }
  const size_t blocks = (a.Tq + RB - 1) / RB, tasks = a.B * a.H * blocks;
  const auto run = use_avx2() ? fwd_block_avx2 : fwd_block_generic;
  const size_t per = a.D * KB + 2 * RB * KB + RB * a.Dv + 5 * RB + 16;
  parallel_for(tasks, 1, [&](size_t t0, size_t t1) {
    Scratch s(per * sizeof(float));
    for (size_t t = t0; t < t1; t++) {
      const size_t bh = t / blocks, i0 = (t % blocks) * RB;
      run(a, bh / a.H, bh % a.H, i0, std::min(RB, a.Tq - i0), o, s.as<float>());
    }
  });
  return info.Env().Undefined();
}

// attentionBackward(q, k, v, bias, mask, pad, dOut, dq, dk, dv, dS, dims, strides, scale, dsSum)
// dS: (B, H, Tq, Tk) when dsSum is 0, one partial sum per (b, kv head) when it is 1.
Napi::Value attentionBackward(const Napi::CallbackInfo& info) {
  ZOO_BUF(q, 0);
  ZOO_BUF(k, 1);
  ZOO_BUF(v, 2);
  ZOO_BUF(bias, 3);
  ZOO_BUF(mask, 4);
  ZOO_BUF(pad, 5);
  ZOO_BUF(dOut, 6);
  ZOO_BUF(dq, 7);
  ZOO_BUF(dk, 8);
  ZOO_BUF(dv, 9);
  ZOO_BUF(dS, 10);
  Attn a{};
  const bool dsSum = arg_int(info, 14) != 0;
  bool ok = parse(info, 11, a, q, k, v, bias, mask, pad);
  ok = ok && dOut.t == F32 && dq.t == F32 && dk.t == F32 && dv.t == F32 && dS.t == F32;
  ok = ok && dOut.n == a.B * a.H * a.Tq * a.Dv && dq.n == q.n && dk.n == k.n && dv.n == v.n;
  ok = ok && dS.n == (dsSum ? a.B * a.Hkv : a.B * a.H * a.Tq * a.Tk);
  if (!ok) {
    throw_type(info.Env(), "attentionBackward: bad arguments");
    return info.Env().Undefined();
  }
  const Grads g{dOut.f32(), dq.f32(), dk.f32(), dv.f32(), dS.f32(), dsSum};
  if (!(all_finite(a.q, q.n) && all_finite(a.k, k.n) && all_finite(a.v, v.n) && all_finite(g.dOut, dOut.n))) {
    parallel_for(a.B * a.Hkv, 1, [&](size_t t0, size_t t1) {
      for (size_t t = t0; t < t1; t++) bwd_exact(a, g, t / a.Hkv, t % a.Hkv);
    });
    return info.Env().Undefined();
  }
  const auto run = use_avx2() ? bwd_task_avx2 : bwd_task_generic;
  const size_t per = bwd_scratch(a);
  parallel_for(a.B * a.Hkv, 1, [&](size_t t0, size_t t1) {
    Scratch s(per * sizeof(float));
    for (size_t t = t0; t < t1; t++) run(a, g, t / a.Hkv, t % a.Hkv, s.as<float>());
  });
  return info.Env().Undefined();
}

}  // namespace exports
}  // namespace zoo
