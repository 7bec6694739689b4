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

{{ROW_STATS}}

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
    // Channel u over the batch: N runs of S elements, C·S apart.
    let st = group_stats(u * P.spatial, P.batch, P.channels * P.spatial, P.spatial, P.eps, true);
    for (var n = 0u; n < P.batch; n++) {
      write_run((n * P.channels + u) * P.spatial, u, st);
    }
  } else {
    let c = u % P.channels;
    write_run(u * P.spatial, c, vec2<f32>(running_mean(c), zrsqrt(running_var(c) + P.eps)));
  }
}
