// Fused optimizer steps over flat float32 arrays: one pass reads every operand once and writes every
// result once (engine/ops/optim/{sgd,adam}_step.ts have the formulas; kernels/ref/ the float64
// oracle). Per element, in float32:
//   sgd:   d = s·g (+ wd·p);  b' = first ? d : μ·b + (1-τ)·d;  p' = p - lr·(nesterov ? d + μ·b' : b')
//   adam:  g = s·g (+ wd·p);  m' = β1·m + (1-β1)·g;  v' = β2·v + (1-β2)·g²;  v̂' = max(v̂, v') (NaN wins)
//          p' = p·decay - stepSize · m' / (sqrt(v̂)/sqrt(1-β2^t) + eps)
// s = ±1 (maximize) and decay (AdamW, 1 otherwise) are exact multiplications; the branches that
// are not (L2 decay, momentum mode, nesterov, amsgrad) are template parameters, so each variant is
// one straight loop the compiler vectorizes (ZOO_AVX2 copy and a generic copy, picked at run time).
#include <cmath>

#include "zoo.h"

namespace zoo {
namespace {

struct SgdScalars {
  float sign, lr, momentum, keep, wd;  // keep = 1 - dampening
};

struct AdamScalars {
  float sign, wd, decay, b1, omb1, b2, omb2, eps, stepSize, bc2Sqrt;
};

enum Momentum { kNone = 0, kFirst = 1, kRunning = 2 };

template <bool L2, int MODE, bool NESTEROV>
ZOO_INLINE void sgd_body(const float* __restrict p, const float* __restrict g, const float* __restrict b, float* __restrict po,
                         float* __restrict bo, size_t n, SgdScalars s) {
  for (size_t i = 0; i < n; i++) {
    const float pi = p[i];
    float d = s.sign * g[i];
    if constexpr (L2) d = d + pi * s.wd;
    if constexpr (MODE != kNone) {
      const float bn = MODE == kFirst ? d : b[i] * s.momentum + d * s.keep;
      bo[i] = bn;
      d = NESTEROV ? d + bn * s.momentum : bn;
    }
    po[i] = pi - d * s.lr;
  }
}

template <bool L2, bool AMS>
ZOO_INLINE void adam_body(const float* __restrict p, const float* __restrict g, const float* __restrict m, const float* __restrict v,
                          const float* __restrict vmax, float* __restrict po, float* __restrict mo, float* __restrict vo,
                          float* __restrict vmo, size_t n, AdamScalars s) {
  for (size_t i = 0; i < n; i++) {
    const float pi = p[i];
    float gi = s.sign * g[i];
    if constexpr (L2) gi = gi + pi * s.wd;
    const float mi = m[i] * s.b1 + gi * s.omb1;
    const float vi = v[i] * s.b2 + (gi * gi) * s.omb2;
    float vh = vi;
    if constexpr (AMS) {
      const float a = vmax[i];
      vh = a != a ? a : (vi != vi ? vi : (a > vi ? a : vi));
      vmo[i] = vh;
    }
    mo[i] = mi;
    vo[i] = vi;
    po[i] = pi * s.decay - (mi / (std::sqrt(vh) / s.bc2Sqrt + s.eps)) * s.stepSize;
  }
}

using SgdFn = void (*)(const float*, const float*, const float*, float*, float*, size_t, SgdScalars);
using AdamFn = void (*)(const float*, const float*, const float*, const float*, const float*, float*, float*, float*, float*, size_t, AdamScalars);

template <bool L2, int MODE, bool NESTEROV>
ZOO_AVX2 void sgd_avx2(const float* p, const float* g, const float* b, float* po, float* bo, size_t n, SgdScalars s) {
  sgd_body<L2, MODE, NESTEROV>(p, g, b, po, bo, n, s);
}
template <bool L2, int MODE, bool NESTEROV>
void sgd_generic(const float* p, const float* g, const float* b, float* po, float* bo, size_t n, SgdScalars s) {
  sgd_body<L2, MODE, NESTEROV>(p, g, b, po, bo, n, s);
}
template <bool L2, bool AMS>
ZOO_AVX2 void adam_avx2(const float* p, const float* g, const float* m, const float* v, const float* vmax, float* po, float* mo, float* vo,
                        float* vmo, size_t n, AdamScalars s) {
  adam_body<L2, AMS>(p, g, m, v, vmax, po, mo, vo, vmo, n, s);
}
template <bool L2, bool AMS>
void adam_generic(const float* p, const float* g, const float* m, const float* v, const float* vmax, float* po, float* mo, float* vo,
                  float* vmo, size_t n, AdamScalars s) {
  adam_body<L2, AMS>(p, g, m, v, vmax, po, mo, vo, vmo, n, s);
}

template <bool L2, int MODE, bool NESTEROV>
SgdFn sgd_variant() {
  return use_avx2() ? sgd_avx2<L2, MODE, NESTEROV> : sgd_generic<L2, MODE, NESTEROV>;
}

template <bool L2>
SgdFn pick_sgd(int mode, bool nesterov) {
  if (mode == kNone) return sgd_variant<L2, kNone, false>();
  if (mode == kFirst) return nesterov ? sgd_variant<L2, kFirst, true>() : sgd_variant<L2, kFirst, false>();
  return nesterov ? sgd_variant<L2, kRunning, true>() : sgd_variant<L2, kRunning, false>();
}

template <bool L2, bool AMS>
AdamFn adam_variant() {
  return use_avx2() ? adam_avx2<L2, AMS> : adam_generic<L2, AMS>;
}

AdamFn pick_adam(bool l2, bool ams) {
  if (l2) return ams ? adam_variant<true, true>() : adam_variant<true, false>();
  return ams ? adam_variant<false, true>() : adam_variant<false, false>();
}

constexpr size_t kGrain = 16384;

}  // namespace

namespace exports {

// sgdStep(p, g, buf, pOut, bufOut, lr, momentum, dampening, weightDecay, flags)
// flags: 1 maximize, 2 nesterov, 4 momentum on, 8 first step (buf unused, may be empty).
// buf/bufOut are empty Float32Arrays where momentum is off.
Napi::Value sgdStep(const Napi::CallbackInfo& info) {
  ZOO_BUF(p, 0);
  ZOO_BUF(g, 1);
  ZOO_BUF(b, 2);
  ZOO_BUF(po, 3);
  ZOO_BUF(bo, 4);
  const int flags = static_cast<int>(arg_int(info, 9));
  const bool on = flags & 4, first = flags & 8;
  const int mode = !on ? kNone : first ? kFirst : kRunning;
  const size_t n = p.n;
  const bool ok = p.t == F32 && g.t == F32 && b.t == F32 && po.t == F32 && bo.t == F32 && g.n == n && po.n == n &&
                  bo.n == (on ? n : 0) && b.n == (mode == kRunning ? n : 0);
  if (!ok) {
    throw_type(info.Env(), "sgdStep: float32 arrays of the parameter's length expected (buf/bufOut empty where unused)");
    return info.Env().Undefined();
  }
  const SgdScalars s{(flags & 1) ? -1.f : 1.f, static_cast<float>(arg_num(info, 5)), static_cast<float>(arg_num(info, 6)),
                     static_cast<float>(1.0 - arg_num(info, 7)), static_cast<float>(arg_num(info, 8))};
  const SgdFn f = s.wd != 0.f ? pick_sgd<true>(mode, flags & 2) : pick_sgd<false>(mode, flags & 2);
  const float *pp = p.f32(), *gp = g.f32(), *bp = b.f32();
  float *pop = po.f32(), *bop = bo.f32();
  parallel_for(n, kGrain, [&](size_t i0, size_t i1) {
    f(pp + i0, gp + i0, mode == kRunning ? bp + i0 : nullptr, pop + i0, on ? bop + i0 : nullptr, i1 - i0, s);
  });
  return info.Env().Undefined();
}

// adamStep(p, g, m, v, vMax, pOut, mOut, vOut, vMaxOut, scalars, flags)
// scalars (Float32Array of 9): weightDecay, decay, β1, 1-β1, β2, 1-β2, eps, stepSize, sqrt(1-β2^t);
// flags: 1 maximize, 2 amsgrad (vMax/vMaxOut empty without it), 4 L2 decay (Adam's weightDecay·p).
Napi::Value adamStep(const Napi::CallbackInfo& info) {
  ZOO_BUF(p, 0);
  ZOO_BUF(g, 1);
  ZOO_BUF(m, 2);
  ZOO_BUF(v, 3);
  ZOO_BUF(vm, 4);
  ZOO_BUF(po, 5);
  ZOO_BUF(mo, 6);
  ZOO_BUF(vo, 7);
  ZOO_BUF(vmo, 8);
  ZOO_BUF(sc, 9);
  const int flags = static_cast<int>(arg_int(info, 10));
  const bool ams = flags & 2, l2 = flags & 4;
  const size_t n = p.n;
  bool ok = sc.t == F32 && sc.n == 9;
  for (const Buf* x : {&p, &g, &m, &v, &po, &mo, &vo}) ok = ok && x->t == F32 && x->n == n;
  for (const Buf* x : {&vm, &vmo}) ok = ok && x->t == F32 && x->n == (ams ? n : 0);
  if (!ok) {
    throw_type(info.Env(), "adamStep: float32 arrays of the parameter's length expected (vMax/vMaxOut empty without amsgrad), 9 scalars");
    return info.Env().Undefined();
  }
  const float* c = sc.f32();
  const AdamScalars s{(flags & 1) ? -1.f : 1.f, c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8]};
  const AdamFn f = pick_adam(l2, ams);
  const float *pp = p.f32(), *gp = g.f32(), *mp = m.f32(), *vp = v.f32(), *vmp = vm.f32();
  float *pop = po.f32(), *mop = mo.f32(), *vop = vo.f32(), *vmop = vmo.f32();
  parallel_for(n, kGrain, [&](size_t i0, size_t i1) {
    f(pp + i0, gp + i0, mp + i0, vp + i0, ams ? vmp + i0 : nullptr, pop + i0, mop + i0, vop + i0, ams ? vmop + i0 : nullptr, i1 - i0, s);
  });
  return info.Env().Undefined();
}

}  // namespace exports
}  // namespace zoo
