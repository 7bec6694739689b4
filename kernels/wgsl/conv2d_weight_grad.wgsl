// conv2d_weight_grad (the weight gradient of conv2d) as an implicit GEMM per group g:
//   dW[g·Og + o, c, i, j] = Σ_n Σ_{r, q} dOut[n, g·Og + o, r·ow + q] · x[n, g·Cg + c, row, col]
// with row = r·sh - lo_h + i·dh, col = q·sw - lo_w + j·dw; taps in the padding add nothing
// (masked per product: an infinite dOut times the padding is not NaN, as in the float64 oracle).
// Register-blocked as conv2d.wgsl: an 8×8 workgroup computes a 32×32 tile of (output channels ×
// weight columns (c, i, j)), 4×4 per invocation. Grid: (ceil(Cg·kh·kw / 32), ceil(Og / 32), G).

{{CONV_PARAMS}}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read_write> dw: array<f32>;
@group(0) @binding(3) var<uniform> P: Params;

@compute @workgroup_size(8, 8)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let g = wid.z + P.z0;
  let Cg = P.C / P.G;
  let Og = P.O / P.G;
  let kk = u32(P.kh * P.kw);
  let ck = Cg * kk;
  let L = u32(P.oh * P.ow);
  let HW = u32(P.H * P.W);
  let o0 = wid.y * 32u + lid.y * 4u;
  let j0 = wid.x * 32u + lid.x * 4u;
  // dOut row of each of the 4 output channels, and (c, i, j) of each of the 4 weight columns (clamped).
  let dyo = (vec4<u32>(g * Og) + min(vec4<u32>(o0, o0 + 1u, o0 + 2u, o0 + 3u), vec4<u32>(Og - 1u))) * L;
  let cols = min(vec4<u32>(j0, j0 + 1u, j0 + 2u, j0 + 3u), vec4<u32>(ck - 1u));
  let t = cols % vec4<u32>(kk);
  let di = vec4<i32>(t / vec4<u32>(u32(P.kw))) * P.dh - vec4<i32>(P.lo_h);
  let dj = vec4<i32>(t % vec4<u32>(u32(P.kw))) * P.dw - vec4<i32>(P.lo_w);
  let xc = (vec4<u32>(g * Cg) + cols / vec4<u32>(kk)) * HW;
  let zero = vec4<f32>(0.0);
  var acc0 = zero;
  var acc1 = zero;
  var acc2 = zero;
  var acc3 = zero;
  for (var n = 0u; n < P.N; n++) {
    let xn = xc + vec4<u32>(n * P.C * HW);
    let dn = dyo + vec4<u32>(n * P.O * L);
    for (var r = 0; r < P.oh; r++) {
      let row = vec4<i32>(r * P.sh) + di;
      let rok = (row >= vec4<i32>(0)) & (row < vec4<i32>(P.H));
      for (var q = 0; q < P.ow; q++) {
        let col = vec4<i32>(q * P.sw) + dj;
        let ok = rok & (col >= vec4<i32>(0)) & (col < vec4<i32>(P.W));
        let xi = xn + vec4<u32>(select(vec4<i32>(0), row * P.W + col, ok));
        let b = vec4<f32>(x[xi.x], x[xi.y], x[xi.z], x[xi.w]);
        let l = u32(r * P.ow + q);
        acc0 += select(zero, dy[dn.x + l] * b, ok);
        acc1 += select(zero, dy[dn.y + l] * b, ok);
        acc2 += select(zero, dy[dn.z + l] * b, ok);
        acc3 += select(zero, dy[dn.w + l] * b, ok);
      }
    }
  }
  let acc = array<vec4<f32>, 4>(acc0, acc1, acc2, acc3);
  for (var ii = 0u; ii < 4u; ii++) {
    let o = o0 + ii;
    if (o >= Og) {
      break;
    }
    let base = (g * Og + o) * ck;
    for (var jj = 0u; jj < 4u; jj++) {
      let j = j0 + jj;
      if (j < ck) {
        dw[base + j] = acc[ii][jj];
      }
    }
  }
}
