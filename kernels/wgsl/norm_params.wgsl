// dWeight / dBias of layer_norm_backward and rms_norm_backward: column sums over the rows of
// x, dOut viewed as rows × N, with each row's mean and rstd from the dX pass (`stats`):
//   dWeight[j] = Σ_r dOut[r, j]·(x[r, j] - mean[r])·rstd[r],  dBias[j] = Σ_r dOut[r, j]
// One invocation per column (adjacent invocations read adjacent columns), compensated sums.
// {{OUTPUTS}}: the output bindings present and put(j, dw, db) storing them.

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read> stats: array<f32>;
{{OUTPUTS}}

struct Params {
  rows: u32,
  len: u32,
  pad0: u32,
  pad1: u32,
}
@group(0) @binding({{PARAMS_BINDING}}) var<uniform> P: Params;

{{MATH}}

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let j = flat_id(wid, nwg, lid, 64u);
  if (j >= P.len) {
    return;
  }
  var sw = vec2<f32>(0.0);
  var sb = vec2<f32>(0.0);
  for (var r = 0u; r < P.rows; r++) {
    let i = r * P.len + j;
    let d = dy[i];
    sw = nsum(sw, d * ((x[i] - stats[2u * r]) * stats[2u * r + 1u]));
    sb = nsum(sb, d);
  }
  put(j, sw.x + sw.y, sb.x + sb.y);
}
