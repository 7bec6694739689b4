// layer_norm backward over the trailing dims (x, dOut viewed as rows × N), one workgroup per row:
//   m = Σx / N, rstd = 1 / sqrt(Σ(x - m)² / N + eps), xhat = (x - m)·rstd, g = dOut·weight
//   dX = rstd·(g - mean(g) - xhat·mean(g·xhat)),  mean(g·xhat) = rstd·Σg(x - m) / N
// Each invocation strides over the row (compensated sums), a tree in workgroup memory combines
// them. The row's mean and rstd go to `stats` for the dWeight/dBias column sums (norm_params.wgsl).
// {{WEIGHT}}: the weight binding and g(i) (dOut·weight, or dOut without weight).

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
{{WEIGHT}}

struct Params {
  rows: u32,
  len: u32,
  eps: f32,
  pad: u32,
}
@group(0) @binding({{PARAMS_BINDING}}) var<uniform> P: Params;

{{MATH}}

{{WG_SUM}}

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = wid.x + wid.y * nwg.x;
  if (row >= P.rows) {
    return;
  }
  let base = row * P.len;
  let n = f32(P.len);
  var a = vec2<f32>(0.0);
  for (var j = lid; j < P.len; j += WG) {
    a = nsum(a, x[base + j]);
  }
  let m = reduce4(vec4<f32>(a.x + a.y, 0.0, 0.0, 0.0), lid).x / n;
  var ss = vec2<f32>(0.0);
  var sg = vec2<f32>(0.0);
  var sgd = vec2<f32>(0.0);
  for (var j = lid; j < P.len; j += WG) {
    let d = x[base + j] - m;
    let gj = g(base, j);
    ss = nsum(ss, d * d);
    sg = nsum(sg, gj);
    sgd = nsum(sgd, gj * d);
  }
  let tot = reduce4(vec4<f32>(ss.x + ss.y, sg.x + sg.y, sgd.x + sgd.y, 0.0), lid);
  // A NaN in the row makes the whole row NaN (sqrt(NaN) is not promised to be NaN).
  let rstd = select(zrsqrt(tot.x / n + P.eps), tot.x, is_nan(tot.x));
  let mg = tot.y / n;
  let mgx = rstd * tot.z / n;
  for (var j = lid; j < P.len; j += WG) {
    let xh = (x[base + j] - m) * rstd;
    dx[base + j] = rstd * ((g(base, j) - mg) - xh * mgx);
  }
  if (lid == 0u) {
    stats[2u * row] = m;
    stats[2u * row + 1u] = rstd;
  }
}
