// batch_norm forward over x (N, C, S), per channel c:
//   training ({{TRAINING}} = true): one invocation per channel; mean = Σx / (N·S) and the biased
//     var = Σ(x - mean)² / (N·S) over the N runs of S elements (two compensated passes);
//   eval: one invocation per (n, c) run, with the running mean[c] and var[c];
//   y = (x - mean) / sqrt(var + eps) · weight[c] + bias[c].
// {{AFFINE}}: bindings (running mean/var first in eval mode) and `aff(c, v)`.

@group(0) @binding(0) var<storage, read> x: array<f32>;
{{AFFINE}}

struct Params {
  units: u32,
  batch: u32,
  channels: u32,
  spatial: u32,
  eps: f32,
  pad0: u32,
  pad1: u32,
  pad2: u32,
}
@group(0) @binding({{PARAMS_BINDING}}) var<uniform> P: Params;

{{MATH}}

const TRAINING: bool = {{TRAINING}};

// mean and rstd of channel c over the batch.
fn batch_stats(c: u32) -> vec2<f32> {
  let count = f32(P.batch * P.spatial);
  var acc = vec2<f32>(0.0);
  for (var n = 0u; n < P.batch; n++) {
    let base = (n * P.channels + c) * P.spatial;
    for (var s = 0u; s < P.spatial; s++) {
      acc = nsum(acc, x[base + s]);
    }
  }
  let mean = (acc.x + acc.y) / count;
  acc = vec2<f32>(0.0);
  for (var n = 0u; n < P.batch; n++) {
    let base = (n * P.channels + c) * P.spatial;
    for (var s = 0u; s < P.spatial; s++) {
      let d = x[base + s] - mean;
      acc = nsum(acc, d * d);
    }
  }
  let ss = acc.x + acc.y;
  // A NaN in the channel makes all of it NaN (sqrt(NaN) is not promised to be NaN).
  return vec2<f32>(mean, select(zrsqrt(ss / count + P.eps), ss, is_nan(ss)));
}

fn write_run(base: u32, c: u32, st: vec2<f32>) {
  for (var s = 0u; s < P.spatial; s++) {
    out[base + s] = aff(c, (x[base + s] - st.x) * st.y);
  }
}

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let u = flat_id(wid, nwg, lid, 64u);
  if (u >= P.units) {
    return;
  }
  if (TRAINING) {
    let st = batch_stats(u);
    for (var n = 0u; n < P.batch; n++) {
      write_run((n * P.channels + u) * P.spatial, u, st);
    }
  } else {
    let c = u % P.channels;
    write_run(u * P.spatial, c, vec2<f32>(running_mean(c), zrsqrt(running_var(c) + P.eps)));
  }
}
