// layer_norm backward over the trailing dims (x, dOut viewed as rows × N), one workgroup per row:
//   m = Σx / N, rstd = 1 / sqrt(Σ(x - m)² / N + eps), xhat = (x - m)·rstd, g = dOut·weight
//   dX = rstd·(g - mean(g) - xhat·mean(g·xhat)),  mean(g·xhat) = rstd·Σg(x - m) / N
// Each invocation strides over the row (compensated sums), a tree in workgroup memory combines
// them. The row's mean and rstd go to `stats` for the dWeight/dBias column sums (norm_params.wgsl).
// {{NORM_BACKWARD}}: bindings (x, dOut, weight, dX, stats), params, g(base, j), norm_rstd, put_stats.

{{NORM_BACKWARD}}

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
  let rstd = norm_rstd(tot.x, n, P.eps);
  let mg = tot.y / n;
  let mgx = rstd * tot.z / n;
  for (var j = lid; j < P.len; j += WG) {
    let xh = (x[base + j] - m) * rstd;
    dx[base + j] = rstd * ((g(base, j) - mg) - xh * mgx);
  }
  put_stats(row, lid, m, rstd);
}
