// Statistics of one normalization group for the norm kernels (spliced in at {{ROW_STATS}}, after
// {{MATH}}; reads the module's `x`). A group is `runs` runs of `len` contiguous elements, run r
// starting at base + r·stride (a row of layer_norm: runs = 1):
//   mean = Σx / count, var = Σ(x - mean)² / count, count = runs·len
// (two compensated passes, not E[x²] - E[x]²). Not `centered` (rms_norm): mean 0, var = Σx² / count.

// 1 / sqrt(ss / count + eps) for a sum of squares ss. A NaN in the group makes all of it NaN
// (sqrt(NaN) is not promised to be NaN).
fn norm_rstd(ss: f32, count: f32, eps: f32) -> f32 {
  return select(zrsqrt(ss / count + eps), ss, is_nan(ss));
}

// (mean, rstd) of the group.
fn group_stats(base: u32, runs: u32, stride: u32, len: u32, eps: f32, centered: bool) -> vec2<f32> {
  let count = f32(runs * len);
  var acc = vec2<f32>(0.0);
  var mean = 0.0;
  if (centered) {
    for (var r = 0u; r < runs; r++) {
      let b = base + r * stride;
      for (var j = 0u; j < len; j++) {
        acc = nsum(acc, x[b + j]);
      }
    }
    mean = (acc.x + acc.y) / count;
    acc = vec2<f32>(0.0);
  }
  for (var r = 0u; r < runs; r++) {
    let b = base + r * stride;
    for (var j = 0u; j < len; j++) {
      let d = x[b + j] - mean;
      acc = nsum(acc, d * d);
    }
  }
  return vec2<f32>(mean, norm_rstd(acc.x + acc.y, count, eps));
}
