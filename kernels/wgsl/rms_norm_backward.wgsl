// rms_norm backward over the trailing dims (x, dOut viewed as rows × N), one workgroup per row:
//   rstd = 1 / sqrt(Σx² / N + eps), xhat = x·rstd, g = dOut·weight
//   dX = rstd·(g - xhat·mean(g·xhat)),  mean(g·xhat) = rstd·Σg·x / N
// Each invocation strides over the row (compensated sums), a tree in workgroup memory combines
// them. The row's rstd goes to `stats` (mean 0) for the dWeight column sums (norm_params.wgsl).
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
  var ss = vec2<f32>(0.0);
  var sgx = vec2<f32>(0.0);
  for (var j = lid; j < P.len; j += WG) {
    let v = x[base + j];
    ss = nsum(ss, v * v);
    sgx = nsum(sgx, g(base, j) * v);
  }
  let tot = reduce4(vec4<f32>(ss.x + ss.y, sgx.x + sgx.y, 0.0, 0.0), lid);
  let rstd = norm_rstd(tot.x, n, P.eps);
  let mgx = rstd * tot.y / n;
  // NOTE: a one-element row is pure cancellation (even in float64): g - xhat·(g·xhat) = g·(1 - xhat²),
  // and 1 - xhat² = eps·rstd² exactly, so that form is used (not for infinite g or x, which give NaN as in ref).
  let one = P.len == 1u;
  for (var j = lid; j < P.len; j += WG) {
    let xh = x[base + j] * rstd;
    let gj = g(base, j);
    dx[base + j] = rstd * select(gj - xh * mgx, gj * (P.eps * rstd * rstd), one && fin(gj) && fin(xh));
  }
  put_stats(row, lid, 0.0, rstd);
}
