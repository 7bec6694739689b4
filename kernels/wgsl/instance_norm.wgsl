// instance_norm forward: x (N, C, S), each (n, c) normalized over its S spatial elements:
//   mean = Σx / S, var = Σ(x - mean)² / S (two compensated passes),
//   y = (x - mean) / sqrt(var + eps) · weight[c] + bias[c]
// One invocation per (n, c) (SwiftShader-friendly, kernels.md §3.4).
// {{AFFINE}}: bindings and `aff(c, v)` for the weight/bias present.

@group(0) @binding(0) var<storage, read> x: array<f32>;
{{AFFINE}}

struct Params {
  rows: u32,
  channels: u32,
  spatial: u32,
  eps: f32,
}
@group(0) @binding({{PARAMS_BINDING}}) var<uniform> P: Params;

{{MATH}}

{{ROW_STATS}}

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = flat_id(wid, nwg, lid, 64u);
  if (row >= P.rows) {
    return;
  }
  let base = row * P.spatial;
  let st = group_stats(base, 1u, 0u, P.spatial, P.eps, true);
  let c = row % P.channels;
  for (var j = 0u; j < P.spatial; j++) {
    out[base + j] = aff(c, (x[base + j] - st.x) * st.y);
  }
}
