// conv_transpose2d as an output-stationary implicit GEMM: a gather, so no atomics and a fixed
// summation order. Per (n, group), for the output pixel (h, v) of y (H, W):
//   y[n, g·Og + o, h, v] = bias[g·Og + o] + Σ_{i, j, c} w[g·Cg + c, o, i, j] · x[n, g·Cg + c, r, q]
// over the taps whose source lands on the grid of x (oh, ow): r = (h + lo_h - i·dh) / sh and
// q = (v + lo_w - j·dw) / sw, exact and in range (the adjoint of conv2d's window map). Taps that
// miss add nothing (masked). Same register blocking as conv2d.wgsl: an 8×8 workgroup computes a
// 32×32 tile (output channels × output pixels), 4×4 per invocation, bias in the epilogue.
// Grid: (ceil(H·W / 32), ceil(Og / 32), N·G), z0 added to workgroup_id.z.

{{CONV_PARAMS}}
{{CONV_STORE}}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> w: array<f32>;
// The weight again when there is no bias (never read then).
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;
@group(0) @binding(4) var<uniform> P: Params;

@compute @workgroup_size(8, 8)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let z = wid.z + P.z0;
  let n = z / P.G;
  let g = z % P.G;
  let Cg = P.C / P.G;
  let Og = P.O / P.G;
  let HW = u32(P.H * P.W);
  let L = u32(P.oh * P.ow);
  let kk = u32(P.kh * P.kw);
  let o0 = wid.y * 32u + lid.y * 4u;
  let p0 = wid.x * 32u + lid.x * 4u;
  // Weight offset of each of the 4 output channels within a row of w (C, Og, kh, kw).
  let wo = min(vec4<u32>(o0, o0 + 1u, o0 + 2u, o0 + 3u), vec4<u32>(Og - 1u)) * kk;
  let pv = min(vec4<u32>(p0, p0 + 1u, p0 + 2u, p0 + 3u), vec4<u32>(HW - 1u));
  let hb = vec4<i32>(pv / u32(P.W)) + vec4<i32>(P.lo_h);
  let vb = vec4<i32>(pv % u32(P.W)) + vec4<i32>(P.lo_w);
  let xb = (n * P.C + g * Cg) * L;
  let wb = g * Cg * Og * kk;
  let zero = vec4<f32>(0.0);
  var acc0 = zero;
  var acc1 = zero;
  var acc2 = zero;
  var acc3 = zero;
  for (var i = 0; i < P.kh; i++) {
    let rs = hb - vec4<i32>(i * P.dh);
    let r = rs / vec4<i32>(P.sh);
    let rok = (rs >= vec4<i32>(0)) & (rs % vec4<i32>(P.sh) == vec4<i32>(0)) & (r < vec4<i32>(P.oh));
    for (var j = 0; j < P.kw; j++) {
      let qs = vb - vec4<i32>(j * P.dw);
      let q = qs / vec4<i32>(P.sw);
      let ok = rok & (qs >= vec4<i32>(0)) & (qs % vec4<i32>(P.sw) == vec4<i32>(0)) & (q < vec4<i32>(P.ow));
      let off = vec4<u32>(select(vec4<i32>(0), r * P.ow + q, ok)) + vec4<u32>(xb);
      let t = u32(i * P.kw + j);
      // Sums over c for this tap; lanes whose tap misses read a clamped pixel and are discarded
      // whole by the select (even when inf·x made them NaN).
      var t0 = zero;
      var t1 = zero;
      var t2 = zero;
      var t3 = zero;
      for (var c = 0u; c < Cg; c++) {
        let xo = off + vec4<u32>(c * L);
        let b = vec4<f32>(x[xo.x], x[xo.y], x[xo.z], x[xo.w]);
        let wi = wo + vec4<u32>(wb + c * Og * kk + t);
        t0 = fma(vec4<f32>(w[wi.x]), b, t0);
        t1 = fma(vec4<f32>(w[wi.y]), b, t1);
        t2 = fma(vec4<f32>(w[wi.z]), b, t2);
        t3 = fma(vec4<f32>(w[wi.w]), b, t3);
      }
      acc0 += select(zero, t0, ok);
      acc1 += select(zero, t1, ok);
      acc2 += select(zero, t2, ok);
      acc3 += select(zero, t3, ok);
    }
  }
  store_tile(array<vec4<f32>, 4>(acc0, acc1, acc2, acc3), n, g, Og, o0, p0, HW);
}
