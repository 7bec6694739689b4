// layer_norm and rms_norm forward over the trailing dims (x viewed as rows × N, N = prod(normalizedShape)):
//   layer_norm ({{CENTERED}} = true):  mean = Σx / N, var = Σ(x - mean)² / N (two compensated passes,
//                                      not E[x²] - E[x]²), y = (x - mean) / sqrt(var + eps) · weight + bias
//   rms_norm   ({{CENTERED}} = false): mean = 0, var = Σx² / N, y = x / sqrt(var + eps) · weight
//                                      (x - 0 is x exactly, so one body serves both)
// One invocation per row (SwiftShader-friendly, kernels.md §3.4); the backward passes are
// layer_norm_backward / rms_norm_backward.
// {{AFFINE}}: bindings and the expression `aff(j, v)` for the weight/bias present.

@group(0) @binding(0) var<storage, read> x: array<f32>;
{{AFFINE}}

struct Params {
  rows: u32,
  len: u32,
  eps: f32,
  pad: u32,
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
  let base = row * P.len;
  let st = group_stats(base, 1u, 0u, P.len, P.eps, {{CENTERED}});
  for (var j = 0u; j < P.len; j++) {
    out[base + j] = aff(j, (x[base + j] - st.x) * st.y);
  }
}
