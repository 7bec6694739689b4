// Sinkhorn-Knopp over (count, n, n) matrices, one invocation per matrix, working in place in `out`
// (global memory, so any n works; mHC's n = 4 stays in cache):
//   M⁰ = exp(L − colmax(L));  per round: c_j = Σ_i M_ij, M_ij /= c_j;  r_i = Σ_j M_ij, M_ij /= r_i.
// Rows are normalized last, so they sum to 1 to rounding. Sums are compensated (nsum). A NaN in a
// column makes its max, and so the column, NaN (ref's rule). No barriers (SwiftShader, kernels.md §3.4).

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;

struct Params {
  count: u32,
  n: u32,
  iters: u32,
  // -inf (WGSL has no infinity literal).
  neg_inf: f32,
}
@group(0) @binding(2) var<uniform> P: Params;

{{MATH}}

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let b = flat_id(wid, nwg, lid, 64u);
  if (b >= P.count) {
    return;
  }
  let n = P.n;
  let base = b * n * n;
  for (var j = 0u; j < n; j++) {
    var m = P.neg_inf;
    for (var i = 0u; i < n; i++) {
      let v = x[base + i * n + j];
      m = select(max(m, v), v, is_nan(v) || is_nan(m));
    }
    for (var i = 0u; i < n; i++) {
      out[base + i * n + j] = zexp(x[base + i * n + j] - m);
    }
  }
  for (var t = 0u; t < P.iters; t++) {
    for (var j = 0u; j < n; j++) {
      var acc = vec2<f32>(0.0);
      for (var i = 0u; i < n; i++) {
        acc = nsum(acc, out[base + i * n + j]);
      }
      let c = acc.x + acc.y;
      for (var i = 0u; i < n; i++) {
        out[base + i * n + j] = out[base + i * n + j] / c;
      }
    }
    for (var i = 0u; i < n; i++) {
      var acc = vec2<f32>(0.0);
      for (var j = 0u; j < n; j++) {
        acc = nsum(acc, out[base + i * n + j]);
      }
      let r = acc.x + acc.y;
      for (var j = 0u; j < n; j++) {
        out[base + i * n + j] = out[base + i * n + j] / r;
      }
    }
  }
}
