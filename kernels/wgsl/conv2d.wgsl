// conv2d (and conv1d as H = kh = 1) as an implicit GEMM (kernels.md §3.2): per (n, group),
//   y[n, g·Og + o, l] = bias[g·Og + o] + Σ_{i, j, c} w[g·Og + o, c, i, j] · x[n, g·Cg + c, row, col]
// with row = r·sh - lo_h + i·dh, col = q·sw - lo_w + j·dw for the output pixel l = r·ow + q. The
// im2col matrix is never built: each B element is read from x, and a tap in the padding adds
// nothing (masked, so an infinite weight times the padding is not NaN, as in the float64 oracle).
// Register-blocked like matmul.wgsl (no workgroup memory, fast on SwiftShader): an 8×8 workgroup
// computes a 32×32 tile (output channels × pixels), each invocation 4×4 in registers; rows and
// columns past Og/L are clamped for loads and skipped for stores. The bias is added in the epilogue.
// Grid: (ceil(L / 32), ceil(Og / 32), N·G), z0 added to workgroup_id.z (grids past 65,535 are split).

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
  let L = u32(P.oh * P.ow);
  let kk = u32(P.kh * P.kw);
  let HW = u32(P.H * P.W);
  let o0 = wid.y * 32u + lid.y * 4u;
  let l0 = wid.x * 32u + lid.x * 4u;
  // First weight of each of the 4 output channels (clamped to the group).
  let wrow = (vec4<u32>(g * Og) + min(vec4<u32>(o0, o0 + 1u, o0 + 2u, o0 + 3u), vec4<u32>(Og - 1u))) * (Cg * kk);
  let lv = min(vec4<u32>(l0, l0 + 1u, l0 + 2u, l0 + 3u), vec4<u32>(L - 1u));
  let rb = vec4<i32>(lv / u32(P.ow)) * P.sh - vec4<i32>(P.lo_h);
  let cb = vec4<i32>(lv % u32(P.ow)) * P.sw - vec4<i32>(P.lo_w);
  let xb = (n * P.C + g * Cg) * HW;
  let zero = vec4<f32>(0.0);
  var acc0 = zero;
  var acc1 = zero;
  var acc2 = zero;
  var acc3 = zero;
  for (var i = 0; i < P.kh; i++) {
    let row = rb + vec4<i32>(i * P.dh);
    let rok = (row >= vec4<i32>(0)) & (row < vec4<i32>(P.H));
    for (var j = 0; j < P.kw; j++) {
      let col = cb + vec4<i32>(j * P.dw);
      let ok = rok & (col >= vec4<i32>(0)) & (col < vec4<i32>(P.W));
      let off = vec4<u32>(select(vec4<i32>(0), row * P.W + col, ok)) + vec4<u32>(xb);
      let t = u32(i * P.kw + j);
      // Sums over c for this tap; lanes whose tap misses read a clamped pixel and are discarded
      // whole by the select (even when inf·x made them NaN).
      var t0 = zero;
      var t1 = zero;
      var t2 = zero;
      var t3 = zero;
      for (var c = 0u; c < Cg; c++) {
        let xo = off + vec4<u32>(c * HW);
        let b = vec4<f32>(x[xo.x], x[xo.y], x[xo.z], x[xo.w]);
        let wi = wrow + vec4<u32>(c * kk + t);
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
  store_tile(array<vec4<f32>, 4>(acc0, acc1, acc2, acc3), n, g, Og, o0, l0, L);
}
