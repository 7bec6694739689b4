// group_norm forward: x (N, C, S) with the C channels in G groups of C/G; each (n, g) is one
// contiguous run of len = C/G·S elements:
//   mean = Σx / len, var = Σ(x - mean)² / len (two compensated passes),
//   y = (x - mean) / sqrt(var + eps) · weight[c] + bias[c]
// One invocation per (n, g) (SwiftShader-friendly, kernels.md §3.4).
// {{AFFINE}}: bindings and `aff(c, v)` for the weight/bias present.

@group(0) @binding(0) var<storage, read> x: array<f32>;
{{AFFINE}}

struct Params {
  units: u32,
  groups: u32,
  per_group: u32,
  spatial: u32,
  eps: f32,
  pad0: u32,
  pad1: u32,
  pad2: u32,
}
@group(0) @binding({{PARAMS_BINDING}}) var<uniform> P: Params;

{{MATH}}

{{ROW_STATS}}

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let u = flat_id(wid, nwg, lid, 64u);
  if (u >= P.units) {
    return;
  }
  let len = P.per_group * P.spatial;
  let base = u * len;
  let st = group_stats(base, 1u, 0u, len, P.eps, true);
  let c0 = (u % P.groups) * P.per_group;
  for (var k = 0u; k < P.per_group; k++) {
    for (var s = 0u; s < P.spatial; s++) {
      let i = base + k * P.spatial + s;
      out[i] = aff(c0 + k, (x[i] - st.x) * st.y);
    }
  }
}
