// The shared part of layer_norm_backward and rms_norm_backward (spliced in at {{NORM_BACKWARD}}):
// bindings x, dOut, then {{WEIGHT}} (the weight binding and g(base, j) = dOut·weight, dX, stats),
// the params, the workgroup sum and the row statistics helpers.

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

{{ROW_STATS}}

// The row's mean and rstd, for the dWeight/dBias column sums (norm_params.wgsl).
fn put_stats(row: u32, lid: u32, mean: f32, rstd: f32) {
  if (lid == 0u) {
    stats[2u * row] = mean;
    stats[2u * row + 1u] = rstd;
  }
}
